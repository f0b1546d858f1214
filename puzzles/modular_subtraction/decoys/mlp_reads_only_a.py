"""Plausible wrong mechanism: "the MLP reads only a" — L0H0 brings a to `=` and the MLP maps it to the answer;
L0H1 and b are left out of the circuit, and the MLP's output is claimed to depend on a alone.

Subtraction needs both numbers: without L0H1 the circuit keeps almost nothing (`circuit.faithfulness`), and
resampling the MLP's output among inputs with the same a destroys the answer (`scrubbing`)."""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis, Scrubbing

EXPECTED_FAILURES = ["circuit.faithfulness", "scrubbing", "coverage", "required"]


def key_on(position):
    def rule(tokens):
        keys = np.zeros((len(tokens), 3, 3), dtype=bool)
        keys[:, 2, position] = True
        return keys
    return rule


hypothesis = Hypothesis(puzzle="modular_subtraction", claims=[
    Circuit(["embed[0]", "pos_embed[0]", "L0H0[2]", "MLP0[2]"]),
    Attention("L0H0", key_on(0), name="L0H0 brings a"),
    Scrubbing("MLP0[2]", lambda tokens: np.broadcast_to(tokens[:, :1], tokens.shape).copy(), name="the MLP reads only a"),
])
