"""Gaming decoy: an attention claim checked only where it is trivially true.

At query 1 every head attends to position 0 (there is little else), so "L1H0 attends to q-1 at query 1"
looks perfect. Rules are judged at every task position, where L1H0 is no previous-token head.
"""

import numpy as np

from harness.hypothesis import Attention, Hypothesis

EXPECTED_FAILURES = ["attention"]


def previous_position(tokens):
    return np.broadcast_to(np.arange(tokens.shape[1]) - 1, tokens.shape).copy()


hypothesis = Hypothesis(puzzle="previous_token_mlp", claims=[
    Attention("L1H0", previous_position, queries=[1], name="L1H0 attends to q-1 (at query 1)"),
])
