"""Gaming decoy: the right circuit, "explained" by the task's own label function.

An algorithm claim is behavioural — any model that sorts satisfies it — so `explains=` earns nothing: the
head is left unexplained (and the required questions, where it attends and what it carries, unanswered).
"""

import numpy as np

from harness.hypothesis import Algorithm, Circuit, Hypothesis

EXPECTED_FAILURES = ["coverage"]


def next_sorted(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 11:21] = np.sort(tokens[:, 1:11], axis=1)
    return out


POS = "pos_embed[1:21]"

hypothesis = Hypothesis(puzzle="sort_fixed_len_list", claims=[
    Circuit(["embed[1:21]", POS, "L0H0[11:21]"]),
    Algorithm(next_sorted, explains=["embed", "pos_embed", "L0H0"], name="output = next sorted value"),
])
