"""Gaming decoy: claims true of every model of this architecture.

The embeddings "depend only on the token / the position" (their own inputs), the last MLP "acts through
the logits" (its only reader), and patching the embedding at every position but the last "supplies the
answer" (it swaps the input the counted outputs read). All vacuous; nothing in the circuit is explained.
"""

import numpy as np

from harness.hypothesis import Circuit, Hypothesis, Interchange, PathClaim, Scrubbing

EXPECTED_FAILURES = ["scrubbing.trivial", "path.no_alternative", "interchange.whole_input", "coverage"]


def shifted(tokens, values):
    out = np.full(tokens.shape, -1)
    out[:, 1:] = values[:, :-1]
    return out


hypothesis = Hypothesis(puzzle="previous_token_mlp", claims=[
    Circuit(["embed[0:23]", "pos_embed", "L0H0[1:24]", "L0H1[1:24]", "L0H2[1:24]", "L0H3[1:24]", "MLP0[1:24]"]),
    Scrubbing("embed", lambda tokens: tokens, name="the embedding depends on the token"),
    Scrubbing("pos_embed", lambda tokens: np.broadcast_to(np.arange(tokens.shape[1]), tokens.shape).copy(),
              name="the positional embedding depends on the position"),
    PathClaim("MLP1", "logits", name="MLP1 writes the logits"),
    Interchange("embed[0:23]", lambda tokens: tokens, shifted, name="the embedding at q-1 supplies the answer at q"),
])
