"""Gaming decoy: "the embedding depends only on the token" — a relabelling of the embedding's own input,
true of every model — and an interchange that swaps the whole input. Both are vacuous; the required
question (which distribution the prediction follows) stays unanswered."""

import numpy as np

from harness.hypothesis import Hypothesis, Interchange, Scrubbing

EXPECTED_FAILURES = ["scrubbing.trivial", "interchange.whole_input"]


def next_token(tokens):
    out = np.full(tokens.shape, -1)
    out[:, :-1] = tokens[:, 1:]
    return out


hypothesis = Hypothesis(puzzle="bigram_0l", claims=[
    Scrubbing("embed", lambda tokens: tokens * 7 + 3, name="the embedding depends on the token"),
    Interchange("embed", lambda tokens: tokens, lambda base, source: np.where(base >= 0, source, -1),
                name="the token decides the output"),
])
