"""Plausible wrong mechanism that only the per-query judgement catches: the reference's claims, except that the rule
for L0H1 names q−2 instead of q−1 at every fifth query (as if the head sometimes reached two back). The two
previous-token heads are redundant, so ablating L0H1 alone costs nothing and its pattern substitution cannot be tested;
on average the rule still puts its keys far above chance (0.6 of 0.8). Graded by the v2 rules (mean only) it solved
the puzzle and answered the required question about where the layer-0 heads attend. Judged per query, the claimed key
gets its margin above chance at only about 80% of the queries (needs 95%).
"""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis, Interchange, Scrubbing

EXPECTED_FAILURES = ["attention.per_query"]
N_CTX = 24


def previous_position_but_two_back_every_fifth(tokens):
    keys = np.arange(N_CTX) - 1
    keys[5::5] -= 1
    return np.broadcast_to(keys, tokens.shape).copy()


def previous_position(tokens):
    return np.broadcast_to(np.arange(N_CTX) - 1, tokens.shape).copy()


def previous_token(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 1:] = tokens[:, :-1]
    return out


hypothesis = Hypothesis(puzzle="previous_token_mlp", claims=[
    Circuit(["embed[0:23]", "pos_embed", "L0H0[1:24]", "L0H1[1:24]", "L0H2[1:24]", "L0H3[1:24]", "MLP0[1:24]"]),
    Attention("L0H1", previous_position_but_two_back_every_fifth, name="L0H1 attends to q-1 (q-2 at every fifth)"),
    Attention("L0H0", previous_position, name="L0H0 attends to q-1"),
    Attention("L0H2", previous_position, name="L0H2 attends to q-1"),
    Attention("L0H3", previous_position, name="L0H3 attends to q-1"),
    Scrubbing("MLP0", previous_token),
    Interchange("MLP0", previous_token, lambda base, source: source),
])
