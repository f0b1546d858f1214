"""Decoy: "the head looks up the next character in the sorted first ordering (positions 2-5)".

The obvious algorithm, and it would work — but it is not what the head does: it spreads its
attention over every earlier position holding the rank it needs, and for some ranks it barely
looks at the first ordering at all.
"""

import itertools

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis

EXPECTED_FAILURES = ["attention"]

RANKS = np.array([-1, -2] + sum(([*p, -2] for p in itertools.permutations(range(4))), []))
CHAR_QUERIES = [q for q in range(5, 121) if RANKS[q + 1] >= 0]


def first_ordering_key(tokens):
    keys = np.full(tokens.shape, -1)
    for q in CHAR_QUERIES:
        keys[:, q] = 2 + RANKS[q + 1]
    return keys


hypothesis = Hypothesis(puzzle="permutation_listing", claims=[
    Circuit(["embed", f"L0H0[{','.join(map(str, CHAR_QUERIES))}]"]),
    Attention("L0H0", first_ordering_key, queries=CHAR_QUERIES, name="attends to 2 + rank of the next character"),
])
