"""Gaming decoy: claims true of every model of this architecture.

The positional embedding "depends on the position" (its own input), the last layer's head "acts through the
logits" (its only reader), and patching the whole token embedding "gives the source's answer" (it swaps the
input). Each is vacuous; none says what a layer-0 head or L1H0 does.
"""

import numpy as np

from harness.hypothesis import Circuit, Hypothesis, Interchange, PathClaim, Scrubbing

EXPECTED_FAILURES = ["scrubbing.trivial", "path.no_alternative", "interchange.whole_input", "coverage"]


def next_after_earlier(tokens):
    out = np.full(tokens.shape, -1)
    for r, row in enumerate(tokens):
        first = {}
        for q, t in enumerate(row.tolist()):
            if t in first and first[t] + 1 < q:
                out[r, q] = row[first[t] + 1]
            first.setdefault(t, q)
    return out


hypothesis = Hypothesis(puzzle="induction_2l", claims=[
    Circuit(["embed[9:32]", "pos_embed[0:25]", "L0H0[10:25]", "L0H1[10:25]", "L1H0[25:32]"]),
    Scrubbing("pos_embed", lambda tokens: np.broadcast_to(np.arange(tokens.shape[1]), tokens.shape).copy(), name="position"),
    PathClaim("L1H0", "logits", name="L1H0 writes the logits"),
    Interchange("embed", lambda tokens: tokens, lambda base, source: next_after_earlier(source), name="the input decides"),
])
