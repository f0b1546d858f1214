"""min_of_two_ints data: `a b =` with a, b in 0-199; predict min(a, b) at the `=` position.

All 40,000 ordered pairs (a, b) exist. A fixed 10% of them (4,280) is held out from training once and
for all (SPLIT_SEED), each pair together with its mirror (b, a), so a held-out pair is unseen in either
order. The "train" split draws only from the other 90%; the "eval" split (evaluation, grading, the dev
sample) draws from all 40,000 pairs. `all_pairs(split)` lists every pair of a split.
"""

from functools import lru_cache

import numpy as np

N_VALUES = 200  # numbers are tokens 0..199
EQUALS = 200  # the `=` token
TOKEN_NAMES = {EQUALS: "="}  # how Puzzle.to_str_tokens shows special tokens
N_CTX = 3  # a b =
HELD_OUT_FRACTION = 0.1
SPLIT_SEED = 20260311  # fixes which pairs are held out; never change without a version bump


@lru_cache(maxsize=1)
def pair_splits() -> dict[str, np.ndarray]:
    """Every ordered pair [40000, 2], and the training / held-out subsets, fixed once and for all."""
    a, b = np.divmod(np.arange(N_VALUES * N_VALUES, dtype=np.int64), N_VALUES)
    pairs = np.stack([a, b], axis=1)
    draw = np.random.default_rng(SPLIT_SEED).random((N_VALUES, N_VALUES))
    draw = np.triu(draw) + np.triu(draw, 1).T  # (a, b) and (b, a) share one draw: held out together
    held_out = draw[a, b] < HELD_OUT_FRACTION
    return {"train": pairs[~held_out], "held_out": pairs[held_out], "all": pairs}


def encode(pairs: np.ndarray) -> dict[str, np.ndarray]:
    """`tokens` [n, 3] = a, b, `=`; `targets` [n, 3] = -1, -1, min(a, b)."""
    n = len(pairs)
    tokens = np.empty((n, N_CTX), dtype=np.int64)
    tokens[:, :2] = pairs
    tokens[:, 2] = EQUALS
    targets = np.full_like(tokens, -1)
    targets[:, 2] = pairs.min(axis=1)
    return {"tokens": tokens, "targets": targets}


def generate(n: int, seed: int, split: str = "eval") -> dict[str, np.ndarray]:
    """n pairs drawn uniformly (with replacement): from the training 90% for "train", from all pairs for "eval"."""
    rng = np.random.default_rng(seed)
    pool = pair_splits()["train" if split == "train" else "all"]
    return encode(pool[rng.integers(0, len(pool), size=n)])


def all_pairs(split: str = "all") -> dict[str, np.ndarray]:
    """Every pair of a split, in order: "train" (about 36,000), "eval" (the held-out 10%) or "all" (40,000)."""
    key = {"train": "train", "eval": "held_out", "all": "all"}.get(split)
    if key is None:
        raise ValueError(f"split must be 'train', 'eval' (held out) or 'all', not {split!r}")
    return encode(pair_splits()[key])
