"""Plausible wrong mechanism: Q-composition — "the layer-0 heads bring the previous token to the *query*
position, and the layer-1 head looks for it there".

The layer-0 heads do act as previous-token heads, but at the positions the layer-1 head attends *to* (the key
positions 10-24), not at the predicted positions: at positions 25-31 they attend diffusely (to BOS and
elsewhere), and ablating their query-side output costs nothing. A circuit with the layer-0 heads only at the
query positions loses the mechanism, and their effect does not go through L1H0's query.
"""

import numpy as np

from harness.hypothesis import Circuit, Hypothesis, PathClaim, Scrubbing

EXPECTED_FAILURES = ["circuit.faithfulness", "scrubbing.untestable", "path.share"]


def previous_token(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 1:] = tokens[:, :-1]
    return out


hypothesis = Hypothesis(puzzle="induction_2l", claims=[
    Circuit(["embed[9:32]", "pos_embed[10:32]", "L0H0[25:32]", "L0H1[25:32]", "L1H0[25:32]"]),
    Scrubbing("L0H1[25:32]", previous_token, name="L0H1 brings the previous token to the query"),
    PathClaim("L0H1", "L1H0.q", name="Q-composition: L0H1 acts through L1H0's query"),
])
