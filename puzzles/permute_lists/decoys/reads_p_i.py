"""Plausible wrong mechanism: "at answer position 7+i, layer 0 fetches p_i (three positions back) and layer 1
looks up d at that index".

The textbook reading of the task, and everything downstream of it is right — but layer 0 does not fetch p_i:
at END it reads p2 and p3, at a1 p3, at a2 p1 (the indices to avoid). The attention rule misses, and
resampling L0H0 among inputs with the same p_i keeps little of the metric.
"""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis, PathClaim, Scrubbing

EXPECTED_FAILURES = ["attention", "scrubbing"]


def three_back(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 8:11] = [5, 6, 7]
    return out


def p_i(tokens):
    out = np.broadcast_to(np.arange(12) * 100, tokens.shape).copy()
    out[:, 8:11] += tokens[:, 5:8]
    return out


hypothesis = Hypothesis(puzzle="permute_lists", claims=[
    Circuit(["embed[1,2,3,5,6,7,9,10]", "pos_embed[1,2,3,5,6,7,8,9,10]", "L0H0[1,2,3,8,9,10]", "L1H0[8,9,10]"]),
    Attention("L0H0", three_back, name="L0H0 at 7+i attends to p_i"),
    Scrubbing("L0H0[8,9,10]", p_i, name="L0H0 carries p_i"),
    PathClaim("L0H0[8,9,10]", "L1H0.q"),
])
