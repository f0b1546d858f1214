"""Plausible wrong mechanism: V-composition — "layer 0 writes d_{p} into each permutation position, and layer 1,
at answer position 7+i, copies it from p_i's position".

A natural two-step design (look up at the permutation, then shift), but not this model's: layer 1 attends to
the values d1-d3, not to the permutation positions, and layer 0's answer-position output acts through layer
1's query, not its value.
"""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis, PathClaim

EXPECTED_FAILURES = ["attention", "path.share"]


def permutation_position(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 8:11] = [5, 6, 7]
    return out


hypothesis = Hypothesis(puzzle="permute_lists", claims=[
    Circuit(["embed[1,2,3,5,6,7,9,10]", "pos_embed[1,2,3,5,6,7,8,9,10]", "L0H0[1,2,3,8,9,10]", "L1H0[8,9,10]"]),
    Attention("L1H0", permutation_position, name="L1H0 copies from p_i's position"),
    PathClaim("L0H0", "L1H0.v", name="layer 0's lookup reaches layer 1 through its value"),
])
