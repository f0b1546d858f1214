"""Decoy: a claim that cannot fail.

"L1H0 depends on the input only through a constant feature" — every input shares the feature, so
there is never an input with a *different* value to compare against: the claim is untestable and
must earn nothing, even though resampling among "equal" inputs is all that is tested.
"""

import numpy as np

from harness.hypothesis import Circuit, Hypothesis, PathClaim, Scrubbing

EXPECTED_FAILURES = ["scrubbing.untestable"]

hypothesis = Hypothesis(puzzle="rederive_position", claims=[
    Circuit(["embed[1:9]", "L0H0[3:10]", "L1H0[2:10]"]),
    PathClaim("L0H0", "L1H0.k"),
    PathClaim("embed", "L1H0.v"),
    Scrubbing("L1H0", lambda tokens: np.zeros(tokens.shape, dtype=int), name="L1H0 reads a constant"),
])
