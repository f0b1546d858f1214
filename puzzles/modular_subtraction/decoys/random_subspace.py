"""Plausible wrong mechanism (or a guess): a random subspace of the embedding of the same size as the true
key-frequency span (12 dimensions of 128). It keeps little of the embedding's effect (`subspace.restricted`) and
removing it costs little (`subspace.excluded`); patching it from a source does not move the answer."""

import numpy as np

from harness.hypothesis import Hypothesis, Subspace

EXPECTED_FAILURES = ["subspace.restricted", "subspace.excluded", "subspace.interchange", "required"]

P = 113
BASIS = np.random.default_rng(7).standard_normal((12, 128))


def first_number(tokens):
    return tokens[:, 0]


def with_a(base, a):
    out = np.full(base.shape, -1, dtype=np.int64)
    out[:, 2] = (a - base[:, 1]) % P
    return out


hypothesis = Hypothesis(puzzle="modular_subtraction", claims=[
    Subspace("embed[0]", BASIS, variable=first_number, predict=with_a, name="a random 12-dimensional subspace"),
])
