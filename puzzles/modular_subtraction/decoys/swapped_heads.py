"""Plausible wrong mechanism: the heads' roles swapped — L0H0 said to fetch b and L0H1 to fetch a (the heads are
symmetric in the architecture, so only the model can tell which does what). Both attention claims fail: each head
puts under 0.08 of its attention on the claimed key, and substituting the claimed pattern wrecks the answer."""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis, Interchange

EXPECTED_FAILURES = ["attention", "attention.intervention", "required"]

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
    Circuit(["embed[0,1]", "pos_embed[0,1]", "L0H0[2]", "L0H1[2]", "MLP0[2]"]),
    Attention("L0H0", key_on(1), name="L0H0 attends to b"),
    Attention("L0H1", key_on(0), name="L0H1 attends to a"),
    Interchange("MLP0[2]", lambda t: (t[:, 0] - t[:, 1]) % P, answer),
])
