"""Gaming decoy: a circuit found by ablating components one by one, explained by the task's own label.

An algorithm claim is behavioural — any model that does the task satisfies it — so `explains=` earns
nothing: no component of the circuit is explained.
"""

import numpy as np

from harness.hypothesis import Algorithm, Circuit, Hypothesis


N_CTX = 10


def previous_token(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 1:] = tokens[:, :-1]
    return out


def previous_or_self(tokens):
    keys = np.eye(N_CTX, dtype=bool) | np.eye(N_CTX, k=-1, dtype=bool)
    return np.broadcast_to(keys, (len(tokens), N_CTX, N_CTX)).copy()


EXPECTED_FAILURES = ["coverage"]

hypothesis = Hypothesis(puzzle="rederive_position", claims=[
    Circuit(["embed[0:9]", "L0H0[1:9]", "L1H0[1:10]"]),
    Algorithm(previous_token, explains=["embed", "L0H0", "L1H0"], name="output = previous token"),
])
