"""Decoy: "one head does it: L1H0 copies the previous token straight from the embeddings".

A missing component: without L0H0 there is no positional signal at all, and with L0H0 ablated the
circuit recovers only a small part of the metric.
"""

import numpy as np

from harness.hypothesis import Circuit, Hypothesis, Interchange

EXPECTED_FAILURES = ["circuit.faithfulness"]


def previous_token(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 1:] = tokens[:, :-1]
    return out


hypothesis = Hypothesis(puzzle="rederive_position", claims=[
    Circuit(["embed", "L1H0"]),
    Interchange("L1H0", previous_token, lambda base, source: source),
])
