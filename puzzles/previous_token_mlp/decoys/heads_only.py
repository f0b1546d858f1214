"""Decoy: "attention copies the token straight to the logits; the MLPs are irrelevant".

A missing component: the layer-0 heads attend to q-1 as claimed, but without MLP0 the circuit
recovers too little of the metric.
"""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis

EXPECTED_FAILURES = ["circuit.faithfulness"]


def previous_position(tokens):
    return np.broadcast_to(np.arange(tokens.shape[1]) - 1, tokens.shape).copy()


hypothesis = Hypothesis(puzzle="previous_token_mlp", claims=[
    Circuit(["embed", "L0H0", "L0H1", "L0H2", "L0H3"]),
    *[Attention(f"L0H{h}", previous_position) for h in range(4)],
])
