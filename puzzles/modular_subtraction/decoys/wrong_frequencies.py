"""Plausible wrong mechanism: the right kind of claim — the numbers enter through a few Fourier frequencies of the
embedding — with the wrong frequencies (1, 2, 4, 5, 6, 7) (as many as the true ones, 12 dimensions).

The span their features fit in the embedding (its Fourier components at those frequencies) is tiny (the embedding
has almost no weight there after training with weight decay): keeping only it loses the embedding's effect
(`subspace.restricted`), removing it costs nothing (`subspace.excluded`), random subspaces of the same size do better
(`subspace.baseline`), and patching it from a source does not move the answer (`subspace.interchange`), so the
embedding question is unanswered.
"""

import numpy as np

from harness.hypothesis import Hypothesis, Subspace

EXPECTED_FAILURES = ["subspace.restricted", "subspace.excluded", "subspace.interchange", "required"]

P = 113


def fourier(frequencies):
    """cos and sin of 2π f x / 113 of the token x at each position, for each frequency f: [batch, pos, 2 × f]."""
    w = 2 * np.pi * np.asarray(frequencies) / P
    return lambda tokens: np.concatenate([np.cos(tokens[..., None] * w), np.sin(tokens[..., None] * w)], axis=-1)


def first_number(tokens):
    return tokens[:, 0]


def with_a(base, a):
    out = np.full(base.shape, -1, dtype=np.int64)
    out[:, 2] = (a - base[:, 1]) % P
    return out


hypothesis = Hypothesis(puzzle="modular_subtraction", claims=[
    Subspace("embed[0]", features=fourier((1, 2, 4, 5, 6, 7)), variable=first_number, predict=with_a,
             name="a enters through the wrong frequencies"),
])
