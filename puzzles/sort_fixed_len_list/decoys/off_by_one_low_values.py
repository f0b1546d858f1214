"""Plausible wrong mechanism, right on 96% of positions (judged against the task's own answer): the reference's
claims, except that the algorithm says the model writes v + 1 for the sorted values 0 and 1 (as if it could not tell
the smallest numbers from their neighbours). About 4% of the predicted positions differ from the model: above the
fixed bar of 0.95, but the model sorts perfectly, and a claim about what it computes may fall at most 0.01 below the
task's answer: `algorithm.label` fails.
"""

import numpy as np

from harness.hypothesis import Algorithm, Attention, Circuit, Hypothesis, Interchange, PathClaim, Scrubbing

EXPECTED_FAILURES = ["algorithm.label"]


def smallest_greater_key(tokens):
    x = tokens[:, 1:11]
    out = np.full(tokens.shape, -1)
    out[:, 11] = x.argmin(1) + 1
    for q in range(12, 21):
        above = np.where(x > tokens[:, q:q + 1], x, 10_000)
        out[:, q] = above.argmin(1) + 1
    return out


def next_sorted(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 11:21] = np.sort(tokens[:, 1:11], axis=1)
    return out


def next_sorted_but_low_values_plus_one(tokens):
    out = next_sorted(tokens)
    return np.where((out >= 0) & (out <= 1), out + 1, out)


POS = "pos_embed[1:21]"

hypothesis = Hypothesis(puzzle="sort_fixed_len_list", claims=[
    Circuit(["embed[1:21]", POS, "L0H0[11:21]"]),
    Attention("L0H0", smallest_greater_key),
    Interchange("L0H0", next_sorted, lambda base, source: source),
    Scrubbing("L0H0", next_sorted),
    PathClaim("embed", "L0H0.qkv"),
    Algorithm(next_sorted_but_low_values_plus_one, name="next sorted value (v + 1 for 0 and 1)"),
])
