"""Gaming decoy: the right circuit, "explained" by the task's own label as an algorithm.

An algorithm claim is behavioural — any model that does the task satisfies it — so `explains=` earns
nothing: the head is left unexplained.
"""

import numpy as np

from harness.hypothesis import Algorithm, Circuit, Hypothesis

EXPECTED_FAILURES = ["coverage"]


def minimum(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 2] = tokens[:, :2].min(axis=1)
    return out


hypothesis = Hypothesis(puzzle="min_of_two_ints", claims=[
    Circuit(["embed[0:2]", "L0H0[2]"]),
    Algorithm(minimum, explains=["embed", "L0H0"], name="output = min(a, b)"),
])
