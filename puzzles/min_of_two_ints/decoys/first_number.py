"""Plausible wrong mechanism: "the head reads the numbers by position — it attends to the first number
and its output carries a" (with something else correcting it when b is smaller).

The model has no positional embedding, so the head cannot tell the first number from the second: it
attends to whichever is smaller, wherever it stands (about half the time to a). Resampling the head
among inputs with the same first number loses the answer.
"""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis, Scrubbing

EXPECTED_FAILURES = ["attention", "scrubbing"]


def first_key(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 2] = 0
    return out


hypothesis = Hypothesis(puzzle="min_of_two_ints", claims=[
    Circuit(["embed[0:2]", "L0H0[2]"]),
    Attention("L0H0", first_key, name="`=` attends to position 0"),
    Scrubbing("L0H0[2]", lambda tokens: tokens[:, 0], name="the head carries the first number"),
])
