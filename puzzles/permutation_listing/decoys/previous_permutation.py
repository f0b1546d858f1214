"""Decoy: "each character is copied from the same slot of the previous permutation (5 back)".

A wrong offset: consecutive permutations differ in most slots, so this is neither what the data
need nor where the head looks.
"""

import numpy as np

from harness.hypothesis import Algorithm, Attention, Circuit, Hypothesis

EXPECTED_FAILURES = ["attention", "algorithm"]


def five_back(tokens):
    keys = np.arange(tokens.shape[1]) + 1 - 5
    return np.broadcast_to(np.where(keys >= 0, keys, -1), tokens.shape).copy()


def copy_from_previous_permutation(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 4:-1] = tokens[:, :-5]
    return out


hypothesis = Hypothesis(puzzle="permutation_listing", claims=[
    Circuit(["embed", "L0H0"]),
    Attention("L0H0", five_back, name="attends to q+1-5"),
    Algorithm(copy_from_previous_permutation, explains=["L0H0"], name="next = character 5 back"),
])
