"""Gaming decoy: the whole model as the circuit (every token, the head at every position), with true
role claims. The circuit is true but says nothing: random circuits of as many units pass as well, so the
baseline has no power and the circuit claim fails. (Until grader v3 step 2 it failed minimality instead: the
head at the two number positions, which feed no counted prediction, counted as padding. Named whole, those
positions are inert by construction, not padding: harness.grading.circuit.inert_by_construction.)"""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis, Scrubbing

EXPECTED_FAILURES = ["circuit.baseline"]


def smaller_number_key(tokens):
    keys = np.zeros((len(tokens), 3, 3), dtype=bool)
    keys[:, 2, :2] = tokens[:, :2] == tokens[:, :2].min(axis=1, keepdims=True)
    return keys


hypothesis = Hypothesis(puzzle="min_of_two_ints", claims=[
    Circuit(["embed", "L0H0"]),
    Attention("L0H0", smaller_number_key),
    Scrubbing("L0H0[2]", lambda tokens: tokens[:, :2].min(axis=1)),
])
