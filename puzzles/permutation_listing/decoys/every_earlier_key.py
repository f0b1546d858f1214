"""Gaming decoy: "the head attends to the earlier positions" — every key but the query itself.

Nearly all of the attention falls on the claimed keys, but so would a uniform head's: judged against
chance the rule says almost nothing.
"""

import numpy as np

from harness.hypothesis import Attention, Hypothesis

EXPECTED_FAILURES = ["attention"]


def earlier_keys(tokens):
    n = tokens.shape[1]
    return np.broadcast_to(np.tri(n, k=-1, dtype=bool), (len(tokens), n, n)).copy()


hypothesis = Hypothesis(puzzle="permutation_listing", claims=[Attention("L0H0", earlier_keys, name="earlier keys")])
