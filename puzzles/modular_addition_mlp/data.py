"""modular_addition_mlp data: two numbers a, b in 0..112; predict (a + b) mod 113 at the second position.

All 12,769 pairs exist. A fixed 30% of them (chosen with SPLIT_SEED) is the training set; evaluation samples
draw from the other 70%, which the model never saw; `all_inputs()` is every pair, in order (a, b) = divmod(i, 113).
"""

import numpy as np

P = 113
TRAIN_FRACTION = 0.3
SPLIT_SEED = 20261124  # fixes which pairs are trained on; never change without a version bump


def _dataset(index: np.ndarray) -> dict[str, np.ndarray]:
    a, b = np.divmod(index.astype(np.int64), P)
    tokens = np.stack([a, b], axis=1)
    targets = np.stack([np.full_like(a, -1), (a + b) % P], axis=1)
    return {"tokens": tokens, "targets": targets}


def split_indices() -> dict[str, np.ndarray]:
    """Pair indices (a * 113 + b) of the training and held-out sets."""
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
