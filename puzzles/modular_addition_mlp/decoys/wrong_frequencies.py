"""Decoy: the wrong frequencies — those ranked just after the key ones by the embedding's Fourier norm.

Plausible: the embedding does have energy at these frequencies, and some neurons are tuned to them. But they are a
redundant remainder: the span their features fit in the embedding (its Fourier components at these frequencies)
keeps little of the embedding's effect when kept alone (restricted fails), removing it costs little (excluded
fails), and patching it from another input does not move the answer.
"""

import numpy as np

from harness.hypothesis import Hypothesis, Subspace

EXPECTED_FAILURES = ["subspace.restricted", "subspace.excluded", "subspace.interchange", "required"]

P = 113
WRONG_FREQUENCIES = [16, 20, 41, 6, 39, 52, 15, 5, 24, 48]


def fourier(frequencies):
    """cos and sin of 2π f x / 113 of the token x at each position, for each frequency f: [batch, pos, 2 × f]."""
    w = 2 * np.pi * np.asarray(frequencies) / P
    return lambda tokens: np.concatenate([np.cos(tokens[..., None] * w), np.sin(tokens[..., None] * w)], axis=-1)


def with_a(base, a):
    out = np.full(base.shape, -1)
    out[:, 1] = (a + base[:, 1]) % P
    return out


hypothesis = Hypothesis(puzzle="modular_addition_mlp", claims=[
    Subspace("embed[0]", features=fourier(WRONG_FREQUENCIES), variable=lambda tokens: tokens[:, 0], predict=with_a,
             name="a is read from these frequencies"),
])
