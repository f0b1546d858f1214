"""Decoy: a random subspace of the embedding of the reference's size (20 of 128 dimensions).

A span that has nothing to do with the model: keeping only it loses the embedding's effect (restricted fails), and
it does no better than other random subspaces (baseline). What it "carries" is not the number.
"""

import numpy as np

from harness.hypothesis import Hypothesis, Subspace

EXPECTED_FAILURES = ["subspace.restricted", "subspace.excluded", "subspace.baseline", "subspace.interchange", "required"]

P = 113
RANDOM_SPAN = np.random.default_rng(12345).standard_normal((20, 128))


def with_a(base, a):
    out = np.full(base.shape, -1)
    out[:, 1] = (a + base[:, 1]) % P
    return out


hypothesis = Hypothesis(puzzle="modular_addition_mlp", claims=[
    Subspace("embed[0]", RANDOM_SPAN, variable=lambda tokens: tokens[:, 0], predict=with_a,
             name="a is read from a random 20-dimensional span"),
])
