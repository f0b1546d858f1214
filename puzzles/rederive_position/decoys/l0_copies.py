"""Decoy: "L0H0 is a previous-token head; L1H0 just passes its output on".

The wrong head: L0H0 gives the previous position no more attention than any other content token,
and patching L0H0 from another input does not make the model output that input's previous token.
"""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis, Interchange

EXPECTED_FAILURES = ["attention", "interchange"]


def previous_position(tokens):
    return np.broadcast_to(np.arange(tokens.shape[1]) - 1, tokens.shape).copy()


def previous_token(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 1:] = tokens[:, :-1]
    return out


hypothesis = Hypothesis(puzzle="rederive_position", claims=[
    Circuit(["embed[1:9]", "L0H0[3:10]", "L1H0[2:10]"]),
    Attention("L0H0", previous_position, queries=range(1, 10), name="L0H0 attends to q-1"),
    Interchange("L0H0", previous_token, lambda base, source: source, name="L0H0 carries the previous token"),
])
