"""Decoy: an off-by-one — "the heads look two positions back, and MLP0 carries the token at q-2".

Wrong offset: almost no attention goes to q-2, and patching MLP0 from another input yields that
input's token at q-1, not at q-2.
"""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis, Interchange

EXPECTED_FAILURES = ["attention", "interchange"]


def two_back(tokens):
    keys = np.arange(tokens.shape[1]) - 2
    return np.broadcast_to(np.where(keys >= 0, keys, -1), tokens.shape).copy()


def token_two_back(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 2:] = tokens[:, :-2]
    return out


hypothesis = Hypothesis(puzzle="previous_token_mlp", claims=[
    Circuit(["embed", "L0H1", "L0H2", "MLP0"]),
    Attention("L0H1", two_back, name="L0H1 attends to q-2"),
    Interchange("MLP0", token_two_back, lambda base, source: source, name="MLP0 carries the token at q-2"),
])
