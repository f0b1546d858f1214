"""Gaming decoy: a circuit found by ablating components one by one, "explained" by the task's label.

An algorithm claim is behavioural — any model that does the task satisfies it — so `explains=` earns
nothing and the heads and MLP0 stay unexplained.
"""

import numpy as np

from harness.hypothesis import Algorithm, Circuit, Hypothesis

EXPECTED_FAILURES = ["coverage"]


def previous_token(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 1:] = tokens[:, :-1]
    return out


hypothesis = Hypothesis(puzzle="previous_token_mlp", claims=[
    Circuit(["embed[0:23]", "pos_embed", "L0H0[1:24]", "L0H1[1:24]", "L0H2[1:24]", "L0H3[1:24]", "MLP0[1:24]"]),
    Algorithm(previous_token, explains=["embed", "pos_embed", "L0H1", "L0H2", "MLP0"], name="output = previous token"),
])
