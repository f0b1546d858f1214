"""Plausible wrong mechanism, right on 98.5% of inputs (judged against the task's own answer): "the head attends to
the smaller number, but when the two numbers are within 3 of each other it cannot tell them apart and copies the
second". The reference's circuit and attention claims, with that algorithm: it agrees with the model on 98.5% of
all pairs, above the fixed bar of 0.95 (the v2 rules solved the puzzle with it), but the model itself is right on
99.9%, and a claim about what it computes may fall at most 0.01 below the task's answer: `algorithm.label` fails.
"""

import numpy as np

from harness.hypothesis import Algorithm, Attention, Circuit, Hypothesis

EXPECTED_FAILURES = ["algorithm.label"]


def smaller_number_key(tokens):
    keys = np.zeros((len(tokens), 3, 3), dtype=bool)
    low = tokens[:, :2].min(axis=1)
    keys[:, 2, :2] = tokens[:, :2] == low[:, None]
    return keys


def minimum_unless_close(tokens):
    out = np.full(tokens.shape, -1)
    a, b = tokens[:, 0], tokens[:, 1]
    out[:, 2] = np.where(np.abs(a - b) <= 3, b, np.minimum(a, b))
    return out


hypothesis = Hypothesis(puzzle="min_of_two_ints", claims=[
    Circuit(["embed[0:2]", "L0H0[2]"]),
    Attention("L0H0", smaller_number_key),
    Algorithm(minimum_unless_close, name="min(a, b), or b when they are within 3"),
])
