"""Gaming decoy: tautologies and a behavioural claim in place of a mechanism.

The positional embedding "depends only on the position", the head (the last layer) "acts through the
logits" (its only reader), and the listing algorithm "explains" the head. None of it says where the head
attends or what it moves.
"""

import itertools

import numpy as np

from harness.hypothesis import Algorithm, Circuit, Hypothesis, PathClaim, Scrubbing

EXPECTED_FAILURES = ["scrubbing.trivial", "path.no_alternative", "coverage"]

RANKS = np.array([-1, -2] + sum(([*p, -2] for p in itertools.permutations(range(4))), []))
CHAR_QUERIES = [q for q in range(5, 121) if RANKS[q + 1] >= 0]


def listing(tokens):
    out = np.full(tokens.shape, -1)
    for q in range(5, 121):
        r = RANKS[q + 1]
        out[:, q] = tokens[:, 2 + r] if r >= 0 else (2 if q + 1 == 121 else 1)
    return out


hypothesis = Hypothesis(puzzle="permutation_listing", claims=[
    Circuit(["embed[2,3,4,5,8,10,17,22,27,30,33,44,50,54,62]", f"L0H0[{','.join(map(str, CHAR_QUERIES))}]"]),
    Scrubbing("pos_embed", lambda tokens: np.broadcast_to(np.arange(tokens.shape[1]), tokens.shape).copy()),
    PathClaim("L0H0", "logits", name="the head writes the logits"),
    Algorithm(listing, explains=["L0H0"], name="the listing algorithm"),
])
