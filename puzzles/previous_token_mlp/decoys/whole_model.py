"""Decoy: the whole model as the circuit, with the previous-token heads described correctly.

Not minimal: the layer-1 heads and MLP1 can be removed without losing the metric, and each of the
four redundant layer-0 heads can be removed on its own.
"""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis

EXPECTED_FAILURES = ["circuit.minimality"]


def previous_position(tokens):
    return np.broadcast_to(np.arange(tokens.shape[1]) - 1, tokens.shape).copy()


hypothesis = Hypothesis(puzzle="previous_token_mlp", claims=[
    Circuit(["embed", "pos_embed", "L0H0", "L0H1", "L0H2", "L0H3", "MLP0",
             "L1H0", "L1H1", "L1H2", "L1H3", "MLP1"]),
    *[Attention(f"L0H{h}", previous_position) for h in range(4)],
])
