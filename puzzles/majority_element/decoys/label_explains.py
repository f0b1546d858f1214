"""Gaming decoy: the right circuit, "explained" by the task's own label as an algorithm.

An algorithm claim is behavioural — any model that does the task satisfies it — so `explains=` earns
nothing: the head is left unexplained, and the required question (through which input the items act) is not answered.
"""

import numpy as np

from harness.hypothesis import Algorithm, Circuit, Hypothesis

EXPECTED_FAILURES = ["required"]


def majority_label(tokens):
    items = tokens[:, 1:11]
    counts = (items[:, :, None] == items[:, None, :]).sum(-1)
    out = np.full(tokens.shape, -1)
    out[:, 11] = items[np.arange(len(tokens)), counts.argmax(1)]
    return out


hypothesis = Hypothesis(puzzle="majority_element", claims=[
    Circuit(["embed[1:11]", "L0H0[11]"]),
    Algorithm(majority_label, explains=["embed", "L0H0"], name="output = the majority value"),
])
