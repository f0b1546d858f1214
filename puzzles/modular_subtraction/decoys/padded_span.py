"""Gaming attempt: the true key-frequency features of a's token padded with 20 random features of it (the fitted
span then has 12 + 20 = 32 = d/4 dimensions).

A wider span keeps and destroys at least as much as the true one, and patching it from a source still moves the
answer to (a' − b): without a check that every claimed direction is used, "the number lives somewhere in the span
of these 32 features" would answer the embedding question without knowing which 12 matter. The random features fit
20 directions of the embedding besides the key frequencies' span, which the model does not use. Fails
`subspace.padded`: in the span's own principal directions, the unused ones can go together at a cost below δ.
"""

import numpy as np

from harness.hypothesis import Hypothesis, Subspace

P = 113
FREQUENCIES = (42, 23, 30, 26, 3, 21)  # the reference's key frequencies
RANDOM = np.random.default_rng(0).standard_normal((114, 20))  # 20 random features of each token


def fourier(frequencies):
    """cos and sin of 2π f x / 113 of the token x at each position, for each frequency f: [batch, pos, 2 × f]."""
    w = 2 * np.pi * np.asarray(frequencies) / P
    return lambda tokens: np.concatenate([np.cos(tokens[..., None] * w), np.sin(tokens[..., None] * w)], axis=-1)


def padded(tokens):
    return np.concatenate([fourier(FREQUENCIES)(tokens), RANDOM[tokens]], axis=-1)


def first_number(tokens):
    return tokens[:, 0]


def with_a(base, a):
    out = np.full(base.shape, -1, dtype=np.int64)
    out[:, 2] = (a - base[:, 1]) % P
    return out


EXPECTED_FAILURES = ["subspace.padded", "required"]

hypothesis = Hypothesis(puzzle="modular_subtraction", claims=[
    Subspace("embed[0]", features=padded, variable=first_number, predict=with_a,
             name="a lives in the span of these 32 features"),
])
