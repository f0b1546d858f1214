"""Plausible wrong mechanism: "sorting needs only the token values; positions play no role".

Tempting — the QK rule is a comparison of values, and every sorted copy the query can see lies at or below
the current value, so a value-only head could in principle sort. But this checkpoint uses its positional
embedding (mostly at the query, e.g. to know it stands at MID): with it replaced by its global mean, the
circuit below keeps well under the faithfulness threshold. Everything else here is true.
"""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis, Interchange

EXPECTED_FAILURES = ["circuit.faithfulness"]


def smallest_greater_key(tokens):
    x = tokens[:, 1:11]
    out = np.full(tokens.shape, -1)
    out[:, 11] = x.argmin(1) + 1
    for q in range(12, 21):
        out[:, q] = np.where(x > tokens[:, q:q + 1], x, 10_000).argmin(1) + 1
    return out


def next_sorted(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 11:21] = np.sort(tokens[:, 1:11], axis=1)
    return out


hypothesis = Hypothesis(puzzle="sort_fixed_len_list", claims=[
    Circuit(["embed[1:21]", "L0H0[11:21]"], name="tokens and the head, no positions"),
    Attention("L0H0", smallest_greater_key),
    Interchange("L0H0", next_sorted, lambda base, source: source),
])
