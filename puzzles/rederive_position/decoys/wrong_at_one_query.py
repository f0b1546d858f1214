"""Plausible wrong mechanism, right on average (per-query judgement): L1H0 attends to q−1 and itself, except that
at query 5 the rule names q−2 — as if the head skipped a position there. It is wrong at one query in nine. Judged
per query, the claimed keys get their margin above chance at only 86% of the queries (needs 95%); the mean (0.38 above
chance) and the pattern substitution fail too, since the head's output at query 5 decides that position's answer.
"""

import numpy as np

from harness.hypothesis import Algorithm, Attention, Circuit, Hypothesis, Interchange, PathClaim, Scrubbing

EXPECTED_FAILURES = ["attention.per_query"]
N_CTX = 10


def previous_or_self_but_skip_at_5(tokens):
    keys = np.eye(N_CTX, dtype=bool) | np.eye(N_CTX, k=-1, dtype=bool)
    keys[5] = False
    keys[5, 3] = True
    return np.broadcast_to(keys, (len(tokens), N_CTX, N_CTX)).copy()


def previous_token(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 1:] = tokens[:, :-1]
    return out


hypothesis = Hypothesis(puzzle="rederive_position", claims=[
    Circuit(["embed[0:9]", "L0H0[1:9]", "L1H0[1:10]"]),
    PathClaim("L0H0", "L1H0.qk"),
    Attention("L1H0", previous_or_self_but_skip_at_5, name="L1H0 attends to q-1 and itself (q-2 at query 5)"),
    Interchange("L1H0", previous_token, lambda base, source: source),
    Scrubbing("L1H0", previous_token),
    Algorithm(previous_token),
])
