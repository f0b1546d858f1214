"""Gaming decoy: the right circuit, "explained" by the task's own label function.

An algorithm claim is behavioural — any model that does the task satisfies it — so `explains=` earns nothing:
neither head is explained (and the required questions go unanswered).
"""

import numpy as np

from harness.hypothesis import Algorithm, Circuit, Hypothesis

EXPECTED_FAILURES = ["coverage"]


def answers(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 8:11] = np.take_along_axis(tokens[:, 1:4], tokens[:, 5:8], axis=1)
    return out


hypothesis = Hypothesis(puzzle="permute_lists", claims=[
    Circuit(["embed[1,2,3,5,6,7,9,10]", "pos_embed[1,2,3,5,6,7,8,9,10]", "L0H0[1,2,3,8,9,10]", "L1H0[8,9,10]"]),
    Algorithm(answers, explains=["L0H0", "L1H0"], name="a_i = d_{p_i}"),
])
