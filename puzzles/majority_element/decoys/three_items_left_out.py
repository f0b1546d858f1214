"""Wrong mechanism: the vote counts only the first seven items. A circuit of the tokens at 1-7 and the head at END
keeps 0.91 of the metric (threshold 0.9) and 0.98 of the answers: six of ten places hold the majority value, so
three places rarely decide it. Putting the tokens at 8-10 back recovers 0.08 of the metric (more than δ): the
circuit leaves out what the model uses, and completeness must catch it. The other claims are the reference's."""

import numpy as np

from harness.hypothesis import Algorithm, Circuit, Hypothesis, PathClaim

EXPECTED_FAILURES = ["circuit.completeness"]
END = 11


def majority_label(tokens: np.ndarray) -> np.ndarray:
    items = tokens[:, 1:END]
    counts = (items[:, :, None] == items[:, None, :]).sum(-1)
    out = np.full(tokens.shape, -1)
    out[:, END] = items[np.arange(len(tokens)), counts.argmax(1)]
    return out


hypothesis = Hypothesis(puzzle="majority_element", claims=[
    Circuit(["embed[1:8]", "L0H0[11]"], name="the first seven items and the head at END"),
    PathClaim("embed[1:11]", "L0H0.v", name="the items reach the head only through its value"),
    Algorithm(majority_label, name="output = the majority value"),
])
