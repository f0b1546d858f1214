"""Decoy: a claim that cannot fail because of redundancy.

"L0H1 depends only on the previous token" — but L0H1 is one of four redundant heads, so even
resampling it from inputs with a *different* previous token barely moves the metric. The claim
would pass whatever the feature, so it is untestable and earns nothing.
"""

import numpy as np

from harness.hypothesis import Circuit, Hypothesis, Scrubbing

EXPECTED_FAILURES = ["scrubbing.untestable"]


def previous_token(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 1:] = tokens[:, :-1]
    return out


hypothesis = Hypothesis(puzzle="previous_token_mlp", claims=[
    Circuit(["embed", "L0H1", "L0H2", "MLP0"]),
    Scrubbing("L0H1", previous_token, name="L0H1 depends only on the previous token"),
])
