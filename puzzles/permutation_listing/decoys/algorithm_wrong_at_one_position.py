"""Wrong where it speaks: the reference, with the listing algorithm wrong at query 48 (it names the smallest
character there, where the next one is the largest). Over the 116 task positions it still agrees with the model on
0.991 of them, within 0.01 of the labels (`algorithm.label` passes), but at position 48 it agrees on none of the
rows. An algorithm must hold at every task position: `algorithm.positions` must catch it."""

import itertools

import numpy as np

from harness.hypothesis import Algorithm, Attention, Circuit, Hypothesis, Interchange, PathClaim

EXPECTED_FAILURES = ["algorithm.positions"]

K = 4


def rank_template() -> np.ndarray:
    """Per position, the rank of the character there, or -1 for '>' and -2 for a separator (space or '.')."""
    out = [-1, -2]
    for i, perm in enumerate(itertools.permutations(range(K))):
        out += list(perm) + [-2]
    return np.array(out)


RANKS = rank_template()
N_CTX = len(RANKS)
CHAR_QUERIES = [q for q in range(5, N_CTX - 1) if RANKS[q + 1] >= 0]  # queries whose target is a character


def same_rank_keys(tokens: np.ndarray) -> np.ndarray:
    """Bool [batch, query, key]: the earlier positions holding the rank of the token to predict."""
    target = np.append(RANKS[1:], -3)  # rank of position q+1
    keys = (RANKS[None, :] == target[:, None]) & np.tri(N_CTX, dtype=bool)
    return np.broadcast_to(keys, (len(tokens), N_CTX, N_CTX)).copy()


def next_token(tokens: np.ndarray) -> np.ndarray:
    out = np.full(tokens.shape, -1)
    out[:, :-1] = tokens[:, 1:]
    return out


def listing_algorithm(tokens: np.ndarray) -> np.ndarray:
    """The next token from the sorted set (positions 2-5) and the fixed rank pattern."""
    sorted_set = tokens[:, 2:2 + K]
    out = np.full(tokens.shape, -1)
    for q in range(5, N_CTX - 1):
        r = RANKS[q + 1]
        out[:, q] = sorted_set[:, r] if r >= 0 else (2 if q + 1 == N_CTX - 1 else 1)
    return out



def listing_but_first_at_48(tokens: np.ndarray) -> np.ndarray:
    """The listing, except at query 48, where it names the smallest character, not the largest."""
    out = listing_algorithm(tokens)
    out[:, 48] = tokens[:, 2]
    return out

heads = f"L0H0[{','.join(map(str, CHAR_QUERIES))}]"
CHARACTERS = [p for p in range(N_CTX) if RANKS[p] >= 0]  # every position that holds a character

hypothesis = Hypothesis(
    puzzle="permutation_listing",
    description=__doc__,
    claims=[
        Circuit([f"embed[{','.join(map(str, CHARACTERS))}]", heads],
                name="token embedding at every character and the head at character targets"),
        Attention("L0H0", same_rank_keys, name="head attends to earlier positions of the next rank"),
        Interchange(heads, next_token, lambda base, source_next: source_next, name="head output carries the next character"),
        PathClaim("embed", "L0H0.v", name="tokens reach the head only through its value"),
        Algorithm(listing_but_first_at_48, name="listing = sorted set indexed by the fixed rank pattern (not at 48)"),
    ],
)
