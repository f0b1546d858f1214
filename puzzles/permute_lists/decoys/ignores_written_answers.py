"""Plausible wrong mechanism: "the answers already written (a1, a2) play no role; the permutation alone,
brought by layer 0, tells layer 1 where to look".

It is how one would design it, but this model eliminates: at a1 and a2 layer 0 brings only the index to
avoid, and layer 1's query also reads the value just written to avoid its key. Without the tokens at
positions 9-10 the circuit recovers almost nothing.
"""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis, PathClaim

EXPECTED_FAILURES = ["circuit.faithfulness"]


def source_value_key(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 8:11] = 1 + tokens[:, 5:8]
    return out


hypothesis = Hypothesis(puzzle="permute_lists", claims=[
    Circuit(["embed[1,2,3,5,6,7]", "pos_embed[1,2,3,5,6,7,9,10]", "L0H0[1,2,3,7,8,9,10]", "L1H0[8,9,10]"],
            name="no token at the answer positions"),
    Attention("L1H0", source_value_key),
    PathClaim("L0H0[8,9,10]", "L1H0.q"),
])
