"""Gaming decoy: the whole model as the circuit (every token, the head at every position), with true
role claims. The head's outputs before END feed no counted prediction, and BOS and END cost less than δ
under global-mean ablation: minimality must catch the padding."""

import numpy as np

from harness.hypothesis import Circuit, Hypothesis, PathClaim, Scrubbing

EXPECTED_FAILURES = ["circuit.minimality"]


def majority(tokens):
    items = tokens[:, 1:11]
    counts = (items[:, :, None] == items[:, None, :]).sum(-1)
    return items[np.arange(len(tokens)), counts.argmax(1)]


hypothesis = Hypothesis(puzzle="majority_element", claims=[
    Circuit(["embed", "L0H0"]),
    PathClaim("embed[1:11]", "L0H0.v"),
    Scrubbing("L0H0[11]", majority),
])
