"""modular_subtraction data: `a b =` with a, b in 0..112; predict (a - b) mod 113 at the `=` position.

All 12,769 ordered pairs exist. A fixed 30% of them (chosen once and for all with SPLIT_SEED) is the training
set; the "eval" split (evaluation samples, the dev sample) draws from the other 70%, which the model never saw.
`all_inputs()` is every pair, in order (a, b) = divmod(i, 113): evaluation and grading use all of them.
"""

import numpy as np

P = 113  # numbers are tokens 0..112
EQUALS = 113  # the `=` token
TOKEN_NAMES = {EQUALS: "="}  # how Puzzle.to_str_tokens shows special tokens
N_CTX = 3  # a b =
TRAIN_FRACTION = 0.5
SPLIT_SEED = 20261125  # fixes which pairs are trained on; never change without a version bump


def _dataset(index: np.ndarray) -> dict[str, np.ndarray]:
    """`tokens` [n, 3] = a, b, `=`; `targets` [n, 3] = -1, -1, (a - b) mod 113."""
    a, b = np.divmod(index.astype(np.int64), P)
    tokens = np.stack([a, b, np.full_like(a, EQUALS)], axis=1)
    targets = np.full_like(tokens, -1)
    targets[:, 2] = (a - b) % P
    return {"tokens": tokens, "targets": targets}


def split_indices() -> dict[str, np.ndarray]:
    """Pair indices (a * 113 + b) of the training set and of the held-out rest."""
    order = np.random.default_rng(SPLIT_SEED).permutation(P * P)
    cut = int(round(TRAIN_FRACTION * P * P))
    return {"train": np.sort(order[:cut]), "eval": np.sort(order[cut:])}


def generate(n: int, seed: int, split: str = "eval") -> dict[str, np.ndarray]:
    """`n` pairs of the split drawn with `seed`: without replacement while they last (a training batch as large
    as the training set is the whole set, shuffled)."""
    pool = split_indices()["train" if split == "train" else "eval"]
    rng = np.random.default_rng(seed)
    picks = np.concatenate([rng.permutation(pool) for _ in range(-(-n // len(pool)))])[:n]
    return _dataset(picks)


def all_inputs() -> dict[str, np.ndarray]:
    """Every pair (a, b), a * 113 + b in order."""
    return _dataset(np.arange(P * P))
