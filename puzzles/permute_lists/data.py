"""permute_lists data: BOS, three values, MID, a permutation of 0-2, END, then the permuted values.

    BOS d1 d2 d3 MID p1 p2 p3 END a1 a2 a3      with a_i = d_{p_i + 1} (p is 0-based)
    52  17 4 33  51  2  0  1  50  33 17 4

Values d are 0-49, drawn independently (repeats allowed); p is one of the 6 permutations of (0, 1, 2),
written with the value tokens 0, 1, 2. END = 50, MID = 51, BOS = 52. The model predicts a1 at END, a2 at
a1 and a3 at a2 (task positions [8, 11)). Training and evaluation use disjoint sets of value triples
(d1, d2, d3): 10% of the 50**3 triples are held out from training, with every permutation.
"""

from functools import lru_cache

import numpy as np

N_VALUES = 50
END, MID, BOS = 50, 51, 52
TOKEN_NAMES = {END: "END", MID: "MID", BOS: "BOS"}  # how Puzzle.to_str_tokens shows special tokens
N_CTX = 12
D_POS = (1, 2, 3)
P_POS = (5, 6, 7)
END_POS = 8
HELD_OUT_FRACTION = 0.1
SPLIT_SEED = 20261124  # fixes which value triples are held out; never change without a version bump
PERMUTATIONS = np.array([[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]], dtype=np.int64)


@lru_cache(maxsize=1)
def triple_splits() -> dict[str, np.ndarray]:
    """Indices d1 * 2500 + d2 * 50 + d3 of all value triples, split into train and eval once and for all."""
    held_out = np.random.default_rng(SPLIT_SEED).random(N_VALUES ** 3) < HELD_OUT_FRACTION
    index = np.arange(N_VALUES ** 3, dtype=np.int64)
    return {"train": index[~held_out], "eval": index[held_out]}


def encode(values: np.ndarray, perms: np.ndarray) -> np.ndarray:
    """Token sequences [n, 12] for values [n, 3] and permutations [n, 3] (0-based)."""
    n = len(values)
    tokens = np.empty((n, N_CTX), dtype=np.int64)
    tokens[:, 0] = BOS
    tokens[:, 1:4] = values
    tokens[:, 4] = MID
    tokens[:, 5:8] = perms
    tokens[:, 8] = END
    tokens[:, 9:12] = np.take_along_axis(values, perms, axis=1)
    return tokens


def generate(n: int, seed: int, split: str = "eval") -> dict[str, np.ndarray]:
    """`tokens` [n, 12] and `targets` [n, 12]: targets[p] = tokens[p+1] for p in 8..10, -1 elsewhere."""
    rng = np.random.default_rng(seed)
    pool = triple_splits()[split]
    index = pool[rng.integers(0, len(pool), size=n)]
    values = np.stack([index // N_VALUES ** 2, index // N_VALUES % N_VALUES, index % N_VALUES], axis=1)
    perms = PERMUTATIONS[rng.integers(0, len(PERMUTATIONS), size=n)]
    tokens = encode(values, perms)
    targets = np.full_like(tokens, -1)
    targets[:, END_POS:N_CTX - 1] = tokens[:, END_POS + 1:]
    return {"tokens": tokens, "targets": targets}
