"""Plausible wrong mechanism: "the head attends to the larger number, and its output carries max(a, b)"
(the value circuit would then have to map the larger number down to the smaller one).

Wrong on both counts: the `=` query puts about 0.03 of its attention on the larger number, and resampling
the head among inputs with the same maximum changes the answer.
"""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis, Scrubbing

EXPECTED_FAILURES = ["attention", "scrubbing"]


def larger_number_key(tokens):
    keys = np.zeros((len(tokens), 3, 3), dtype=bool)
    keys[:, 2, :2] = tokens[:, :2] == tokens[:, :2].max(axis=1, keepdims=True)
    return keys


hypothesis = Hypothesis(puzzle="min_of_two_ints", claims=[
    Circuit(["embed[0:2]", "L0H0[2]"]),
    Attention("L0H0", larger_number_key, name="`=` attends to the larger number"),
    Scrubbing("L0H0[2]", lambda tokens: tokens[:, :2].max(axis=1), name="the head carries max(a, b)"),
])
