"""Gaming attempt: the true 12-dimensional span of a's embedding padded with 20 random directions (32 = d/4).

A wider span keeps and destroys at least as much as the true one, and patching it from a source still moves the
answer to (a' − b): without a check that every claimed direction is used, "the number lives somewhere in these 32
directions" would answer the embedding question without knowing which 12 they are. Fails `subspace.padded`: in
the span's own principal directions, the 20 random ones (and nothing else) can go together at a cost below δ.
"""

from pathlib import Path

import numpy as np

from harness.hypothesis import Hypothesis, Subspace, module_attribute

REFERENCE = Path(__file__).resolve().parents[3] / "solutions" / "reference" / "modular_subtraction.py"
BASIS = module_attribute(REFERENCE, "BASIS")
PADDED = np.concatenate([BASIS, np.random.default_rng(0).standard_normal((20, BASIS.shape[1]))])


def first_number(tokens):
    return tokens[:, 0]


def with_a(base, a):
    out = np.full(base.shape, -1, dtype=np.int64)
    out[:, 2] = (a - base[:, 1]) % 113
    return out


EXPECTED_FAILURES = ["subspace.padded", "required"]

hypothesis = Hypothesis(puzzle="modular_subtraction", claims=[
    Subspace("embed[0]", PADDED, variable=first_number, predict=with_a, name="a lives in these 32 directions"),
])
