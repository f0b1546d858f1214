"""induction_2l data: BOS, filler, a random segment, then the same segment again; predict the repeat.

    BOS f1 .. fk s1 s2 .. sL s1 s2 .. sL          k = 32 - 2L, L uniform in 8..16, n_ctx 33
    64  40 .. 7  12 58 .. 3  12 58 .. 3

Content tokens are 0-63, BOS = 64. The filler f and the segment s are drawn together without replacement, so
every token before the repeat is distinct: each token of the second copy occurred exactly once before. The
second copy always ends at the last position (32); it starts at 33 - L, i.e. between positions 17 and 25.
The model predicts the next token at positions 25..31 (task positions [25, 32)): there the current token is
always inside the second copy, past its first token, so the next token is the one that followed the current
token's earlier occurrence. The segment length varies from row to row, so the distance back to that
occurrence (L) cannot be read off the position.
"""

import numpy as np

N_VALUES = 64
BOS = 64
TOKEN_NAMES = {BOS: "BOS"}  # how Puzzle.to_str_tokens shows special tokens
N_CTX = 33
MIN_LEN, MAX_LEN = 8, 16
TASK_START, TASK_STOP = N_CTX - MIN_LEN, N_CTX - 1  # [25, 32): always inside the second copy, past its first token


def generate(n: int, seed: int, split: str = "eval") -> dict[str, np.ndarray]:
    """`tokens` [n, 33] and `targets` [n, 33]: targets[p] = tokens[p+1] for p in 25..31, -1 elsewhere."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(MIN_LEN, MAX_LEN + 1, size=n)
    tokens = np.empty((n, N_CTX), dtype=np.int64)
    tokens[:, 0] = BOS
    for i, length in enumerate(lengths):
        first = N_CTX - 2 * length  # where the segment starts (filler occupies 1 .. first-1)
        drawn = rng.permutation(N_VALUES)[: first - 1 + length]
        tokens[i, 1:first + length] = drawn
        tokens[i, first + length:] = drawn[first - 1:]
    targets = np.full_like(tokens, -1)
    targets[:, TASK_START:TASK_STOP] = tokens[:, TASK_START + 1:TASK_STOP + 1]
    return {"tokens": tokens, "targets": targets}
