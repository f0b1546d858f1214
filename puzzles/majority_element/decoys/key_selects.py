"""Plausible wrong mechanism: "the items steer the head's attention: they act through its key".

Wrong: the key scores ignore the token. Ablating the items for the key input alone changes nothing (share
0.00 of their effect), and with only the key route left the head copies nothing.
"""

import numpy as np

from harness.hypothesis import Circuit, Hypothesis, PathClaim, Scrubbing

EXPECTED_FAILURES = ["path.share", "path.only_through"]


def majority(tokens):
    items = tokens[:, 1:11]
    counts = (items[:, :, None] == items[:, None, :]).sum(-1)
    return items[np.arange(len(tokens)), counts.argmax(1)]


hypothesis = Hypothesis(puzzle="majority_element", claims=[
    Circuit(["embed[1:11]", "L0H0[11]"]),
    PathClaim("embed[1:11]", "L0H0.k", name="the items act through the head's key"),
    Scrubbing("L0H0[11]", majority, name="the head carries the majority value"),
])
