"""Plausible wrong mechanism: "the head looks up the current value among the x and reads the next one from there".

A lookup-by-equality story (find s_i in the unsorted list, as an induction head would find a repeated
token). The head does the opposite: keys holding the current value (or any smaller one) get almost no
attention; it attends to the values above. At MID there is no current value, so the rule names no key.
"""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis

EXPECTED_FAILURES = ["attention"]


def same_value_key(tokens):
    x = tokens[:, 1:11]
    out = np.full(tokens.shape, -1)
    for q in range(12, 21):
        match = x == tokens[:, q:q + 1]
        out[:, q] = np.where(match.any(1), match.argmax(1) + 1, -1)
    return out


POS = "pos_embed[1:21]"

hypothesis = Hypothesis(puzzle="sort_fixed_len_list", claims=[
    Circuit(["embed[1:21]", POS, "L0H0[11:21]"]),
    Attention("L0H0", same_value_key, name="head attends to the x equal to the current value"),
])
