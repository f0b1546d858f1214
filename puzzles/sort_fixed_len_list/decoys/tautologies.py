"""Gaming decoy: claims true of every model of this architecture.

The embedding "depends on the token" (a relabelling of its own input), the head — the only layer —
"acts through the logits" (its only reader), and patching the whole input embedding "gives the source's
answer" (it swaps the input). Each is vacuous; none says where the head attends or what it carries.
"""

import numpy as np

from harness.hypothesis import Circuit, Hypothesis, Interchange, PathClaim, Scrubbing

EXPECTED_FAILURES = ["scrubbing.trivial", "path.no_alternative", "interchange.whole_input", "coverage"]


def next_sorted(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 11:21] = np.sort(tokens[:, 1:11], axis=1)
    return out


POS = "pos_embed[1:21]"

hypothesis = Hypothesis(puzzle="sort_fixed_len_list", claims=[
    Circuit(["embed[1:21]", POS, "L0H0[11:21]"]),
    Scrubbing("embed", lambda tokens: 1000 - tokens, name="the embedding depends on the token"),
    PathClaim("L0H0", "logits", name="the head writes the logits"),
    Interchange("embed", lambda tokens: tokens, lambda base, source: next_sorted(source), name="the input decides"),
])
