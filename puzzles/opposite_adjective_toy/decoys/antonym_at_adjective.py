"""Wrong route: the antonym is computed where the adjective stands (MLP0 at position 4) and the layer-1
heads carry it to the final 'is'.

A natural two-layer story (look up, then move), but not this model's: the layer-1 heads at the final 'is'
spread their attention (about 0.2 on the adjective, more on the comma) and together add only ~12% of the
logit difference; MLP0 at the adjective's own position costs ~3% when ablated. The adjective is moved
first, by layer-0 heads, and turned into its antonym at the final 'is'. The layer-0 heads are left out,
so the required question about them is unanswered too.
"""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis, PathClaim, Scrubbing

EXPECTED_FAILURES = ["circuit.faithfulness", "attention", "required"]


def adjective_key(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 9] = 4
    return out


def adjective(tokens):
    return np.repeat(tokens[:, 4:5], tokens.shape[1], axis=1)


hypothesis = Hypothesis(puzzle="opposite_adjective_toy", claims=[
    Circuit(["embed[4]", "MLP0[4]", "L1H0[9]", "L1H1[9]", "L1H2[9]", "L1H3[9]", "MLP1[9]"],
            name="antonym looked up at the adjective, moved by layer 1"),
    Attention("L1H0", adjective_key, name="L1H0 reads the adjective position"),
    Attention("L1H1", adjective_key, name="L1H1 reads the adjective position"),
    Scrubbing("MLP0[4]", adjective, name="MLP0 at the adjective looks up the antonym"),
    PathClaim("MLP0[4]", "L1H0.v", name="the antonym travels through L1H0's value"),
])
