"""Gaming attempt: claims true of every model, plus an attention rule that claims every key.

The adjective's embedding "depends on the adjective" (its own token: trivial), MLP1 "acts through the
logits" (its only reader: no alternative route), and L0H1 "attends to every key but the final 'is'" (nine
of ten keys: at chance, so it scores near zero). None says what MLP0 computes or where a head looks.
"""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis, PathClaim, Scrubbing

EXPECTED_FAILURES = ["scrubbing.trivial", "path.no_alternative", "attention", "coverage", "required"]


def every_key_but_one(tokens):
    keys = np.zeros(tokens.shape + (tokens.shape[1],), dtype=bool)
    keys[:, 9, :9] = True
    return keys


hypothesis = Hypothesis(puzzle="opposite_adjective_toy", claims=[
    Circuit(["embed[4]", "L0H0[9]", "L0H1[9]", "L0H2[9]", "MLP0[9]", "MLP1[9]"]),
    Scrubbing("embed[4]", lambda tokens: tokens, name="the embedding depends on the token"),
    PathClaim("MLP1[9]", "logits", name="MLP1 writes the logits"),
    Attention("L0H1", every_key_but_one, name="L0H1 attends to the prompt"),
])
