"""Plausible wrong mechanism, right on average (per-query judgement): the head attends to the smallest x above the
current value, except at the sorted position 15, where the rule names the largest x instead — as if the head
looked for the end of the list there. Wrong at one query in ten, which the mean over queries hides (0.45 above
chance, threshold 0.4); judged per query, the claimed key gets its margin above chance at only 90% of the queries
(needs 95%). Substituting the claimed pattern fails too (0.21 of the head's effect kept).
"""

import numpy as np

from harness.hypothesis import Algorithm, Attention, Circuit, Hypothesis, Interchange, PathClaim, Scrubbing

EXPECTED_FAILURES = ["attention.per_query"]


def smallest_greater_but_largest_at_15(tokens):
    x = tokens[:, 1:11]
    out = np.full(tokens.shape, -1)
    out[:, 11] = x.argmin(1) + 1
    for q in range(12, 21):
        above = np.where(x > tokens[:, q:q + 1], x, 10_000)
        out[:, q] = above.argmin(1) + 1
    out[:, 15] = x.argmax(1) + 1
    return out


def next_sorted(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 11:21] = np.sort(tokens[:, 1:11], axis=1)
    return out


POS = "pos_embed[1:21]"

hypothesis = Hypothesis(puzzle="sort_fixed_len_list", claims=[
    Circuit(["embed[1:21]", POS, "L0H0[11:21]"]),
    Attention("L0H0", smallest_greater_but_largest_at_15, name="head attends to the smallest x above (largest at 15)"),
    Interchange("L0H0", next_sorted, lambda base, source: source),
    Scrubbing("L0H0", next_sorted),
    PathClaim("embed", "L0H0.qkv"),
    Algorithm(next_sorted),
])
