"""Gaming decoy: claims true of every model of this architecture.

The embedding "depends on the token" (its own input), the MLP at `=` "acts through the logits" (its only
reader), and patching the whole embedding "gives the source's answer" (it swaps the input). Each is vacuous;
none says where the heads attend or which directions of the embedding matter.
"""

import numpy as np

from harness.hypothesis import Circuit, Hypothesis, Interchange, PathClaim, Scrubbing

EXPECTED_FAILURES = ["scrubbing.trivial", "path.no_alternative", "interchange.whole_input", "coverage", "required"]

P = 113


def answer_of(base, source_tokens):
    out = np.full(base.shape, -1, dtype=np.int64)
    out[:, 2] = (source_tokens[:, 0] - source_tokens[:, 1]) % P
    return out


hypothesis = Hypothesis(puzzle="modular_subtraction", claims=[
    Circuit(["embed[0,1]", "pos_embed[0,1]", "L0H0[2]", "L0H1[2]", "MLP0[2]"]),
    Scrubbing("embed", lambda tokens: tokens, name="the embedding depends on the token"),
    PathClaim("MLP0[2]", "logits", name="the MLP writes the logits"),
    Interchange("embed", lambda tokens: tokens, answer_of, name="the input decides"),
])
