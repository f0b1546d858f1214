"""Plausible wrong mechanism, right on average (per-query judgement): the reference's claims, except that L0H2 is
said to read the noun instead of the adjective whenever the adjective's token id is a multiple of eight (as if the
head fell back to the noun for some adjectives). Wrong on about one row in eight, which the mean hides: the mass above
chance stays above the threshold (0.71 of 0.82). Judged per query, the claimed key gets its margin above chance at
only 88% of them (needs 95%); substituting the claimed pattern also keeps only 0.71 of the head's effect.
"""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis, Scrubbing

EXPECTED_FAILURES = ["attention.per_query"]
NOUN, ADJ, COMMA, FINAL = 2, 4, 5, 9


def adjective(tokens):
    return np.repeat(tokens[:, ADJ:ADJ + 1], tokens.shape[1], axis=1)


def adjective_key(tokens):
    out = np.full(tokens.shape, -1)
    out[:, FINAL] = ADJ
    return out


def adjective_key_or_noun(tokens):
    out = adjective_key(tokens)
    out[tokens[:, ADJ] % 8 == 0, FINAL] = NOUN
    return out


def adjective_and_comma(tokens):
    keys = np.zeros(tokens.shape + (tokens.shape[1],), dtype=bool)
    keys[:, FINAL, [ADJ, COMMA]] = True
    return keys


hypothesis = Hypothesis(puzzle="opposite_adjective_toy", claims=[
    Circuit(["embed[4]", "L0H0[9]", "L0H1[9]", "L0H2[9]", "MLP0[9]", "MLP1[9]"]),
    Attention("L0H1", adjective_key),
    Attention("L0H2", adjective_key_or_noun, name="L0H2 reads the adjective (the noun for some adjectives)"),
    Attention("L0H0", adjective_and_comma),
    Scrubbing("L0H0[9]", adjective),
    Scrubbing("L0H1[9]", adjective),
    Scrubbing("L0H2[9]", adjective),
    Scrubbing("MLP0[9]", adjective),
    Scrubbing("MLP1[9]", adjective),
])
