"""Gaming decoy: the right span, patched at both positions at once.

The key-frequency span is right (the reference's features), and patching it at both positions from a source makes
the model output the source's answer (a' + b') mod 113 — but both positions of the embedding are the whole input:
an untrained model patched there also outputs what it outputs on the source, so the variable says nothing about the
embedding and the claim explains nothing. The required question (asked per number) stays unanswered.
"""

import numpy as np

from harness.hypothesis import Hypothesis, Subspace

EXPECTED_FAILURES = ["required"]

P = 113
KEY_FREQUENCIES = [10, 50, 35, 21, 37, 54, 17, 7, 8, 38]  # the reference's


def fourier(frequencies):
    """cos and sin of 2π f x / 113 of the token x at each position, for each frequency f: [batch, pos, 2 × f]."""
    w = 2 * np.pi * np.asarray(frequencies) / P
    return lambda tokens: np.concatenate([np.cos(tokens[..., None] * w), np.sin(tokens[..., None] * w)], axis=-1)


def answer_from(base, pair_sum):
    out = np.full(base.shape, -1)
    out[:, 1] = pair_sum % P
    return out


hypothesis = Hypothesis(puzzle="modular_addition_mlp", claims=[
    Subspace("embed", features=fourier(KEY_FREQUENCIES), variable=lambda tokens: tokens.sum(1), predict=answer_from,
             name="(a + b) lives in the key-frequency span"),
])
