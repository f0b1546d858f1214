"""Gaming decoys for attention: a rule that claims every x, and a rule right only at a hand-picked query.

"The head attends to the unsorted list" puts nearly all the attention on the claimed keys, but so would a
head that attends anywhere in the list: judged against chance it says little. At the last query (s9,
predicting the largest value) only one x lies above the current value, so "the largest x" is right there —
but rules are judged at every task position, and elsewhere it names the wrong key.
"""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis

EXPECTED_FAILURES = ["attention"]


def every_x(tokens):
    keys = np.zeros((len(tokens), 22, 22), dtype=bool)
    keys[:, 11:21, 1:11] = True
    return keys


def largest_x(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 11:21] = tokens[:, 1:11].argmax(1)[:, None] + 1
    return out


POS = "pos_embed[1:21]"

hypothesis = Hypothesis(puzzle="sort_fixed_len_list", claims=[
    Circuit(["embed[1:21]", POS, "L0H0[11:21]"]),
    Attention("L0H0", every_x, name="head attends to the unsorted list"),
    Attention("L0H0", largest_x, queries=[20], name="head attends to the largest x (checked at q=20)"),
])
