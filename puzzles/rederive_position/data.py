"""rederive_position data: BOS then 9 uniformly random content tokens; predict the previous token."""

import numpy as np

N_CTX = 10  # BOS + 9 content tokens
N_CONTENT = 100  # content tokens are 0..99
BOS = 100  # never appears as content
TOKEN_NAMES = {BOS: "BOS"}  # how Puzzle.to_str_tokens shows special tokens


def generate(n: int, seed: int, split: str = "eval") -> dict[str, np.ndarray]:
    """`tokens` [n, 10] and `targets` [n, 10]: targets[i] = tokens[i-1] for i >= 1, -1 at position 0.

    Train and eval splits draw from the same distribution; they differ only by seed.
    """
    rng = np.random.default_rng(seed)
    tokens = rng.integers(0, N_CONTENT, size=(n, N_CTX), dtype=np.int64)
    tokens[:, 0] = BOS
    targets = np.full_like(tokens, -1)
    targets[:, 1:] = tokens[:, :-1]
    return {"tokens": tokens, "targets": targets}
