"""Gaming decoy: the token itself as the feature (one-hot, 113 features), so "the span" is the whole embedding.

The span the grader fits from a one-hot of the token is everything the embedding writes (every row of W_E: 112 of
128 dimensions). Any span that large keeps almost everything and can be made to carry any variable: the claim would
be true of almost any model, so the grader counts nothing for it (vacuous: at most d / 4 = 32 dimensions may be
claimed), and the required question stays unanswered.
"""

import numpy as np

from harness.hypothesis import Hypothesis, Subspace

EXPECTED_FAILURES = ["subspace.size", "required"]

P = 113


def with_a(base, a):
    out = np.full(base.shape, -1)
    out[:, 1] = (a + base[:, 1]) % P
    return out


hypothesis = Hypothesis(puzzle="modular_addition_mlp", claims=[
    Subspace("embed[0]", features=lambda tokens: np.eye(P)[tokens], variable=lambda tokens: tokens[:, 0],
             predict=with_a, name="a is read from its embedding, whatever it is"),
])
