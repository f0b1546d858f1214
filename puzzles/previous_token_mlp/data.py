"""previous_token_mlp data: BOS (token 0) then random content tokens 1..63; predict the previous token."""

import numpy as np

N_CTX = 24
D_VOCAB = 64
BOS = 0  # as in the TransformerLens intro notebook; never appears as content
TOKEN_NAMES = {BOS: "BOS"}  # how Puzzle.to_str_tokens shows special tokens


def generate(n: int, seed: int, split: str = "eval") -> dict[str, np.ndarray]:
    """`tokens` [n, 24] and `targets` [n, 24]: targets[i] = tokens[i-1] for i >= 1, -1 at position 0."""
    rng = np.random.default_rng(seed)
    tokens = rng.integers(1, D_VOCAB, size=(n, N_CTX), dtype=np.int64)
    tokens[:, 0] = BOS
    targets = np.full_like(tokens, -1)
    targets[:, 1:] = tokens[:, :-1]
    return {"tokens": tokens, "targets": targets}
