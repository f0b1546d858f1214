"""Gaming decoy: claims true of every model of this architecture.

The embedding "depends only on the token" (a relabelling of its own input), the last layer's head
"acts through the logits" (its only reader), and patching the whole input embedding "gives the
source's answer" (it swaps the input). Each is vacuous; none explains L0H0 or L1H0.
"""

import numpy as np

from harness.hypothesis import Circuit, Hypothesis, Interchange, PathClaim, Scrubbing


N_CTX = 10


def previous_token(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 1:] = tokens[:, :-1]
    return out


def previous_or_self(tokens):
    keys = np.eye(N_CTX, dtype=bool) | np.eye(N_CTX, k=-1, dtype=bool)
    return np.broadcast_to(keys, (len(tokens), N_CTX, N_CTX)).copy()


EXPECTED_FAILURES = ["scrubbing.trivial", "path.no_alternative", "interchange.whole_input", "coverage"]

hypothesis = Hypothesis(puzzle="rederive_position", claims=[
    Circuit(["embed[0:9]", "L0H0[1:9]", "L1H0[1:10]"]),
    Scrubbing("embed", lambda tokens: 1000 - tokens, name="the embedding depends on the token"),
    PathClaim("L1H0", "logits", name="L1H0 writes the logits"),
    Interchange("embed", lambda tokens: tokens, lambda base, source: previous_token(source), name="the input decides"),
])
