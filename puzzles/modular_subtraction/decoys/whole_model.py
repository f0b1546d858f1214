"""Gaming decoy: the whole model as the circuit (both embeddings at every position, both heads and the MLP at
every position), with true role claims. The heads and the MLP at the number positions feed no counted
prediction, and the `=` token's embedding and position cost less than δ under global-mean ablation:
minimality must catch the padding."""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis, Interchange

EXPECTED_FAILURES = ["circuit.minimality"]

P = 113


def key_on(position):
    def rule(tokens):
        keys = np.zeros((len(tokens), 3, 3), dtype=bool)
        keys[:, 2, position] = True
        return keys
    return rule


def answer(base, c):
    out = np.full(base.shape, -1, dtype=np.int64)
    out[:, 2] = c
    return out


hypothesis = Hypothesis(puzzle="modular_subtraction", claims=[
    Circuit(["embed", "pos_embed", "L0H0", "L0H1", "MLP0"]),
    Attention("L0H0", key_on(0)),
    Attention("L0H1", key_on(1)),
    Interchange("MLP0[2]", lambda t: (t[:, 0] - t[:, 1]) % P, answer),
])
