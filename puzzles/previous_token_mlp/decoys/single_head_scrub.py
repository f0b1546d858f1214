"""Decoy: a true claim about one of four redundant heads, with a circuit that leaves out the position.

"L0H1 depends only on the previous token" — L0H1 is one of four redundant heads, so resampling it alone
from inputs with a *different* previous token barely moves the metric: until grader v3 the claim was
untestable and earned nothing. It is now tested with the heads that cover for L0H1 ablated, and passes
(harness.grading.visibility). The hypothesis still fails: its circuit leaves out the positional
embedding the heads attend by, and nothing says where the heads attend or what MLP0 computes.
"""

import numpy as np

from harness.hypothesis import Circuit, Hypothesis, Scrubbing

EXPECTED_FAILURES = ["circuit.faithfulness", "required"]


def previous_token(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 1:] = tokens[:, :-1]
    return out


hypothesis = Hypothesis(puzzle="previous_token_mlp", claims=[
    Circuit(["embed", "L0H1", "L0H2", "MLP0"]),
    Scrubbing("L0H1", previous_token, name="L0H1 depends only on the previous token"),
])
