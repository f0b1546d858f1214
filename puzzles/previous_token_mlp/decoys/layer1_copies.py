"""Decoy: "layer 1 does the copying: its heads attend to q-1, after layer 0 has built context".

The wrong layer: the layer-1 heads give q-1 under a tenth of their attention, and a circuit of the
embedding, layer 1 and MLP1 recovers almost nothing.
"""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis

EXPECTED_FAILURES = ["circuit.faithfulness", "attention"]


def previous_position(tokens):
    return np.broadcast_to(np.arange(tokens.shape[1]) - 1, tokens.shape).copy()


hypothesis = Hypothesis(puzzle="previous_token_mlp", claims=[
    Circuit(["embed", "L1H0", "L1H1", "L1H2", "L1H3", "MLP1"]),
    Attention("L1H0", previous_position, name="L1H0 attends to q-1"),
])
