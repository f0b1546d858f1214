"""Gaming decoy: the right circuit, "explained" by the task's own label as an algorithm.

An algorithm claim is behavioural — any model that does the task satisfies it — so `explains=` earns
nothing: the heads and the MLP are left unexplained and no required question is answered.
"""

import numpy as np

from harness.hypothesis import Algorithm, Circuit, Hypothesis

EXPECTED_FAILURES = ["coverage", "required"]


def difference(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 2] = (tokens[:, 0] - tokens[:, 1]) % 113
    return out


hypothesis = Hypothesis(puzzle="modular_subtraction", claims=[
    Circuit(["embed[0,1]", "pos_embed[0,1]", "L0H0[2]", "L0H1[2]", "MLP0[2]"]),
    Algorithm(difference, explains=["embed", "L0H0", "L0H1", "MLP0"], name="output = (a - b) mod 113"),
])
