"""Gaming decoy: the whole model as the circuit (every token, the head at every position), with true
role claims. The head's outputs at the two number positions feed no counted prediction and the `=`
embedding costs less than δ under global-mean ablation: minimality must catch the padding."""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis, Scrubbing

EXPECTED_FAILURES = ["circuit.minimality"]


def smaller_number_key(tokens):
    keys = np.zeros((len(tokens), 3, 3), dtype=bool)
    keys[:, 2, :2] = tokens[:, :2] == tokens[:, :2].min(axis=1, keepdims=True)
    return keys


hypothesis = Hypothesis(puzzle="min_of_two_ints", claims=[
    Circuit(["embed", "L0H0"]),
    Attention("L0H0", smaller_number_key),
    Scrubbing("L0H0[2]", lambda tokens: tokens[:, :2].min(axis=1)),
])
