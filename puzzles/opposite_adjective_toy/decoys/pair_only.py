"""Wrong feature: MLP0 at the final 'is' knows only *which antonym pair* the adjective belongs to (big/small),
and the direction comes from elsewhere.

It fails: resampling MLP0 among prompts whose adjectives share the pair (so half of them carry the opposite
adjective) loses most of the logit difference — MLP0's output depends on the adjective itself.
"""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis, Scrubbing, puzzle_data

EXPECTED_FAILURES = ["scrubbing"]


def pair(tokens):
    first = int(puzzle_data("opposite_adjective_toy").ADJ_IDS[0])
    return np.repeat((tokens[:, 4:5] - first) // 2, tokens.shape[1], axis=1)


def adjective_key(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 9] = 4
    return out


def adjective_and_comma(tokens):
    keys = np.zeros(tokens.shape + (tokens.shape[1],), dtype=bool)
    keys[:, 9, [4, 5]] = True
    return keys


hypothesis = Hypothesis(puzzle="opposite_adjective_toy", claims=[
    Circuit(["embed[4]", "L0H0[9]", "L0H1[9]", "L0H2[9]", "MLP0[9]", "MLP1[9]"]),
    Attention("L0H0", adjective_and_comma),
    Attention("L0H1", adjective_key),
    Attention("L0H2", adjective_key),
    Scrubbing("MLP0[9]", pair, name="MLP0 knows only the pair"),
    Scrubbing("MLP1[9]", pair, name="MLP1 knows only the pair"),
])
