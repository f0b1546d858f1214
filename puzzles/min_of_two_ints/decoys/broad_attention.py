"""Gaming decoys for attention: a rule that claims both numbers (every key but `=`, which gets almost
nothing anyway), and a rule checked at one hand-picked extra query (q=0, where the only key is the
query itself). Both are judged against chance — both numbers are 2/3 of the attendable keys, the single
key at q=0 is all of them — and both fail."""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis, Scrubbing

EXPECTED_FAILURES = ["attention", "attention.extra_queries"]


def both_numbers(tokens):
    keys = np.zeros((len(tokens), 3, 3), dtype=bool)
    keys[:, 2, :2] = True
    return keys


def self_key(tokens):
    return np.broadcast_to(np.arange(3), tokens.shape).copy()


hypothesis = Hypothesis(puzzle="min_of_two_ints", claims=[
    Circuit(["embed[0:2]", "L0H0[2]"]),
    Attention("L0H0", both_numbers, name="`=` attends to the numbers"),
    Attention("L0H0", self_key, queries=[0], name="position 0 attends to itself"),
    Scrubbing("L0H0[2]", lambda tokens: tokens[:, :2].min(axis=1), name="the head carries min(a, b)"),
])
