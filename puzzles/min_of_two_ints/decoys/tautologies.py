"""Gaming decoy: claims true of every model of this architecture.

The embedding "depends only on the token" (a relabelling of its own input); the head "acts through the
logits" (its only reader); and patching the head's output at `=` "gives the source's minimum" — but at
`=` the logits read nothing else that varies (the `=` embedding is the same in every input), so the
same patch makes even an untrained model output what it outputs on the source. Each is vacuous; the
head is left unexplained.
"""

import numpy as np

from harness.hypothesis import Circuit, Hypothesis, Interchange, PathClaim, Scrubbing

EXPECTED_FAILURES = ["scrubbing.trivial", "path.no_alternative", "interchange.whole_input", "coverage"]


def minimum(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 2] = tokens[:, :2].min(axis=1)
    return out


hypothesis = Hypothesis(puzzle="min_of_two_ints", claims=[
    Circuit(["embed[0:2]", "L0H0[2]"]),
    Scrubbing("embed", lambda tokens: 1000 - tokens, name="the embedding depends on the token"),
    PathClaim("L0H0", "logits", name="the head writes the logits"),
    Interchange("L0H0[2]", lambda tokens: tokens[:, :2].min(axis=1), lambda base, source: np.where(minimum(base) >= 0, source[:, None], -1),
                name="the head carries the minimum"),
])
