"""Plausible wrong mechanism that only the per-query judgement catches: the reference's claims, except that the rule
for the backup head L1H1 names the earlier occurrence itself, not the token after it, at every third position (as a
"same token" head would). L1H1 alone costs less than δ, so its pattern substitution cannot be tested, and its mass above
chance, averaged over the queries, stays above the threshold: graded by the v2 rules (mean only) the hypothesis solved
the puzzle. Judged per query, the claimed key gets its margin above chance at only about 70% of them (needs 95%).
"""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis, PathClaim, Scrubbing

EXPECTED_FAILURES = ["attention.per_query"]


def induction_key(tokens, off_by_one_every=0):
    out = np.full(tokens.shape, -1)
    for r, row in enumerate(tokens):
        first = {}
        for q, t in enumerate(row.tolist()):
            if t in first and first[t] + 1 < q:
                out[r, q] = first[t] + 1 - (off_by_one_every > 0 and q % off_by_one_every == 0)
            first.setdefault(t, q)
    return out


def previous_token(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 1:] = tokens[:, :-1]
    return out


def next_after_earlier(tokens):
    out = np.full(tokens.shape, -1)
    for r, row in enumerate(tokens):
        first = {}
        for q, t in enumerate(row.tolist()):
            if t in first and first[t] + 1 < q:
                out[r, q] = row[first[t] + 1]
            first.setdefault(t, q)
    return out


hypothesis = Hypothesis(puzzle="induction_2l", claims=[
    Circuit(["embed[9:32]", "pos_embed[0:25]", "L0H0[10:25]", "L0H1[10:25]", "L1H0[25:32]"]),
    Attention("L1H0", induction_key, name="L1H0: the token after the earlier occurrence"),
    Attention("L1H1", lambda tokens: induction_key(tokens, 3), name="L1H1: the same (the occurrence itself at every 3rd)"),
    Scrubbing("L0H0[11:25]", previous_token),
    Scrubbing("L0H1[11:25]", previous_token),
    Scrubbing("L1H0[25:32]", next_after_earlier),
    PathClaim("L0H1", "L1H0.k+L1H1.k"),
])
