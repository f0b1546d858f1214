"""Decoy: "L0H0's output is a pure function of position".

The natural first guess for this puzzle. It is wrong: L0H0 spreads its attention over all earlier
tokens, so its output also carries a weighted bag of the prefix tokens, which L1H0 uses.
Resampling L0H0 among inputs that merely share the position keeps too little of the metric.
Everything else here is true.
"""

import numpy as np

from harness.hypothesis import Circuit, Hypothesis, Interchange, PathClaim, Scrubbing

EXPECTED_FAILURES = ["scrubbing"]


def position(tokens):
    return np.broadcast_to(np.arange(tokens.shape[1]), tokens.shape).copy()


def previous_token(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 1:] = tokens[:, :-1]
    return out


hypothesis = Hypothesis(puzzle="rederive_position", claims=[
    Circuit(["embed[1:9]", "L0H0[3:10]", "L1H0[2:10]"]),
    Scrubbing("L0H0", position, name="L0H0 output depends only on position"),
    PathClaim("embed", "L1H0.v"),
    Interchange("L1H0", previous_token, lambda base, source: source),
])
