"""Gaming decoy: claims true of every model of this architecture.

The embedding "depends only on the token" (a relabelling of its own input); the head "acts through the
logits" (its only reader); and patching the head's output at END "gives the source's majority" — but at
END the logits read nothing else that varies (the END embedding is the same in every input), so the same
patch makes even an untrained model output what it outputs on the source. Each is vacuous; the head is
left unexplained.
"""

import numpy as np

from harness.hypothesis import Circuit, Hypothesis, Interchange, PathClaim, Scrubbing

EXPECTED_FAILURES = ["scrubbing.trivial", "path.no_alternative", "interchange.whole_input", "required"]


def majority(tokens):
    items = tokens[:, 1:11]
    counts = (items[:, :, None] == items[:, None, :]).sum(-1)
    return items[np.arange(len(tokens)), counts.argmax(1)]


def at_end(base, source_majority):
    out = np.full(base.shape, -1)
    out[:, 11] = source_majority
    return out


hypothesis = Hypothesis(puzzle="majority_element", claims=[
    Circuit(["embed[1:11]", "L0H0[11]"]),
    Scrubbing("embed", lambda tokens: 1000 - tokens, name="the embedding depends on the token"),
    PathClaim("L0H0", "logits", name="the head writes the logits"),
    Interchange("L0H0[11]", majority, at_end, name="the head carries the majority"),
])
