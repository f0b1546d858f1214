"""Decoy (beside the point): where MLP0 writes ("MLP0 feeds MLP1 and the logits") in answer to what it computes its
output from.

True (those two readers carry 0.95 of MLP0's effect), but a path from MLP0 says where its output goes, not what it
is computed from: the required question wants the feature it computes from.
"""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis, PathClaim, Scrubbing

EXPECTED_FAILURES = ['required']

ADJ, COMMA, FINAL = 4, 5, 9  # positions of the adjective, the comma and the final 'is'


def adjective(tokens: np.ndarray) -> np.ndarray:
    """The adjective (token at position 4), at every position."""
    return np.repeat(tokens[:, ADJ:ADJ + 1], tokens.shape[1], axis=1)


def adjective_key(tokens: np.ndarray) -> np.ndarray:
    """At the final 'is', the adjective's position."""
    out = np.full(tokens.shape, -1)
    out[:, FINAL] = ADJ
    return out


def adjective_and_comma(tokens: np.ndarray) -> np.ndarray:
    """At the final 'is': the adjective and the comma after it (L0H0 splits its attention over the two)."""
    keys = np.zeros(tokens.shape + (tokens.shape[1],), dtype=bool)
    keys[:, FINAL, [ADJ, COMMA]] = True
    return keys


hypothesis = Hypothesis(
    puzzle="opposite_adjective_toy",
    claims=[
        Circuit(["embed[4]", "L0H0[9]", "L0H1[9]", "L0H2[9]", "MLP0[9]", "MLP1[9]"],
                name="the adjective, three layer-0 heads and both MLPs at the final 'is'"),
        Attention("L0H1", adjective_key, name="L0H1 reads the adjective"),
        Attention("L0H2", adjective_key, name="L0H2 reads the adjective"),
        Attention("L0H0", adjective_and_comma, name="L0H0 reads the adjective (and the comma)"),
        Scrubbing("L0H0[9]", adjective, name="L0H0 brings only the adjective"),
        Scrubbing("L0H1[9]", adjective, name="L0H1 brings only the adjective"),
        Scrubbing("L0H2[9]", adjective, name="L0H2 brings only the adjective"),
        Scrubbing("MLP1[9]", adjective, name="MLP1 computes from the adjective alone"),
        PathClaim("MLP0[9]", "MLP1+logits", name="MLP0 feeds MLP1 and the logits"),
    ],
)
