"""Gaming attempt: "L1H0 carries the previous token in this 32-dimensional subspace of its output", with a
subspace drawn at random (the largest span a subspace claim may name: a quarter of d_head = 128).

A random quarter of the space keeps part of the head's effect when only it is kept, but the span the head
really writes the token into does better than random spans of the same size, which is what the baseline
asks; patching the random span from a source does not move the output to the source's previous token.
"""

import numpy as np

from harness.hypothesis import Hypothesis, Subspace


def previous_token(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 1:] = tokens[:, :-1]
    return out


BASIS = np.random.default_rng(20261124).standard_normal((32, 128))

EXPECTED_FAILURES = ["subspace.restricted", "subspace.baseline", "subspace.interchange"]

hypothesis = Hypothesis(puzzle="rederive_position", claims=[
    Subspace("L1H0", BASIS, variable=previous_token, predict=lambda base, source: source,
             name="L1H0 writes the previous token into a 32-dimensional span"),
])
