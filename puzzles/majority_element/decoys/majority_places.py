"""Plausible wrong mechanism: "the head finds the majority by attending to the places that hold it".

It cannot: its query is always END and its key scores hardly depend on the token (spread 0.04 across the
50 values), so it spreads its attention evenly over the ten items (0.09-0.11 each). The six majority
places get 0.60 of it, barely above their chance share of the attendable keys (6/12): the attention claim fails.
"""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis, Scrubbing

EXPECTED_FAILURES = ["attention"]


def majority(tokens):
    items = tokens[:, 1:11]
    counts = (items[:, :, None] == items[:, None, :]).sum(-1)
    return items[np.arange(len(tokens)), counts.argmax(1)]


def majority_places(tokens):
    keys = np.zeros((len(tokens), 12, 12), dtype=bool)
    keys[:, 11, :] = tokens == majority(tokens)[:, None]  # from the END query
    return keys


hypothesis = Hypothesis(puzzle="majority_element", claims=[
    Circuit(["embed[1:11]", "L0H0[11]"]),
    Attention("L0H0", majority_places, name="END attends to the majority places"),
    Scrubbing("L0H0[11]", majority, name="the head carries the majority value"),
])
