"""Gaming decoy: the right span, patched at both positions at once.

The key-frequency span is right, and patching it at both positions from a source makes the model output the
source's answer (a' + b') mod 113 — but both positions of the embedding are the whole input: an untrained model
patched there also outputs what it outputs on the source, so the variable says nothing about the embedding and the
claim explains nothing. The required question (asked per number) stays unanswered.
"""

from pathlib import Path

import numpy as np

from harness.hypothesis import Hypothesis, Subspace, module_attribute

EXPECTED_FAILURES = ["required"]

P = 113
REFERENCE = Path(__file__).resolve().parents[3] / "solutions" / "reference" / "modular_addition_mlp.py"
KEY_SPAN = module_attribute(REFERENCE, "KEY_SPAN")  # the reference's key-frequency span


def answer_from(base, pair_sum):
    out = np.full(base.shape, -1)
    out[:, 1] = pair_sum % P
    return out


hypothesis = Hypothesis(puzzle="modular_addition_mlp", claims=[
    Subspace("embed", KEY_SPAN, variable=lambda tokens: tokens.sum(1), predict=answer_from,
             name="(a + b) lives in the key-frequency span"),
])
