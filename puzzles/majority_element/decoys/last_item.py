"""Plausible wrong mechanism: "a previous-token head: from END the head attends to the last item, x10, and
carries it" (x10 is the majority value 60% of the time, which is why a lenient check might pass it).

The model has no positional embedding, so the head cannot single out the item next to END: it gives x10
about 0.1 of its attention like every other item, and resampling the head among inputs with the same last
item loses the answer whenever x10 is not the majority value.
"""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis, Scrubbing

EXPECTED_FAILURES = ["attention", "scrubbing"]


def last_item_key(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 11] = 10
    return out


hypothesis = Hypothesis(puzzle="majority_element", claims=[
    Circuit(["embed[1:11]", "L0H0[11]"]),
    Attention("L0H0", last_item_key, name="END attends to x10"),
    Scrubbing("L0H0[11]", lambda tokens: tokens[:, 10], name="the head carries x10"),
])
