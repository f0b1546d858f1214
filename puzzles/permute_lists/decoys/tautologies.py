"""Gaming decoy: claims true of every model of this architecture.

The positional embedding "depends on the position" (its own input), the last layer's head "acts through the
logits" (its only reader), and patching the whole token embedding "gives the source's answer" (it swaps
the input). Each is vacuous; none says what L0H0 or L1H0 does.
"""

import numpy as np

from harness.hypothesis import Circuit, Hypothesis, Interchange, PathClaim, Scrubbing

EXPECTED_FAILURES = ["scrubbing.trivial", "path.no_alternative", "interchange.whole_input", "coverage"]


def answers(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 8:11] = np.take_along_axis(tokens[:, 1:4], tokens[:, 5:8], axis=1)
    return out


hypothesis = Hypothesis(puzzle="permute_lists", claims=[
    Circuit(["embed[1,2,3,5,6,7,9,10]", "pos_embed[1,2,3,5,6,7,8,9,10]", "L0H0[1,2,3,8,9,10]", "L1H0[8,9,10]"]),
    Scrubbing("pos_embed", lambda tokens: np.broadcast_to(np.arange(12), tokens.shape).copy(), name="position"),
    PathClaim("L1H0", "logits", name="L1H0 writes the logits"),
    Interchange("embed", lambda tokens: tokens, lambda base, source: answers(source), name="the input decides"),
])
