"""Wrong where it speaks: the reference, with the interchange claim saying that at query 49 the head does not carry
the next character (patching it there from another input changes nothing). Averaged over the 116 task positions the
claim still predicts the patched output almost everywhere (above the threshold, as is the accuracy at the informative
positions, where 49 is not one), but at position 49 the model follows the patch on almost every row. An interchange
claim must hold at every position: `interchange.positions` must catch it."""

import itertools

import numpy as np

from harness.hypothesis import Algorithm, Attention, Circuit, Hypothesis, Interchange, PathClaim

EXPECTED_FAILURES = ["interchange.positions"]

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



def unchanged_at_49(base: np.ndarray, source_next: np.ndarray) -> np.ndarray:
    """The source's next character, except at query 49, where the patch is said to change nothing."""
    out = source_next.copy()
    out[:, 49] = next_token(base)[:, 49]
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
        Interchange(heads, next_token, unchanged_at_49, name="head output carries the next character (not at 49)"),
        PathClaim("embed", "L0H0.v", name="tokens reach the head only through its value"),
        Algorithm(listing_algorithm, name="listing = sorted set indexed by the fixed rank pattern"),
    ],
)
