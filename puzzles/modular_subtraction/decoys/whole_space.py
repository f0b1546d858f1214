"""Gaming decoy: "the embedding matters through this subspace", with the subspace being the whole space.

The features are the token itself (one-hot): the span the grader fits from them is everything the embedding writes
(every row of W_E, over a hundred of its 128 dimensions). Keeping it keeps everything, removing it removes
everything, and patching it from a source swaps the whole number — true of any model, so the grader marks it
vacuous (`subspace.size`: more than a quarter of d_model) and the embedding question stays unanswered. The other
claims are true (the reference's), so only the subspace question is missing.
"""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis, Interchange, Subspace

EXPECTED_FAILURES = ["subspace.size", "required"]

P = 113


def key_on(position):
    def rule(tokens):
        keys = np.zeros((len(tokens), 3, 3), dtype=bool)
        keys[:, 2, position] = True
        return keys
    return rule


def with_a(base, a):
    out = np.full(base.shape, -1, dtype=np.int64)
    out[:, 2] = (a - base[:, 1]) % P
    return out


def answer(base, c):
    out = np.full(base.shape, -1, dtype=np.int64)
    out[:, 2] = c
    return out


hypothesis = Hypothesis(puzzle="modular_subtraction", claims=[
    Circuit(["embed[0,1]", "pos_embed[0,1]", "L0H0[2]", "L0H1[2]", "MLP0[2]"]),
    Subspace("embed[0]", features=lambda t: np.eye(114)[t], variable=lambda t: t[:, 0], predict=with_a,
             name="the whole embedding"),
    Attention("L0H0", key_on(0)),
    Attention("L0H1", key_on(1)),
    Interchange("MLP0[2]", lambda t: (t[:, 0] - t[:, 1]) % P, answer),
])
