"""sort_fixed_len_list data: BOS, ten distinct values, MID, then the same ten values sorted ascending.

Example (values 0-49, BOS = 50, MID = 51):
    50  31 4 17 44 0 9 25 12 38 6  51  0 4 6 9 12 17 25 31 38 44
The model predicts the sorted list from MID on: at MID the smallest value, at the i-th sorted value
the (i+1)-th. Train and eval splits draw from the same distribution; they differ only by seed
(there are C(50, 10) ~ 1e10 value sets, so a sample almost never repeats one).
"""

import numpy as np

N_VALUES = 50  # values are 0..49
LIST_LEN = 10
BOS = 50
MID = 51
TOKEN_NAMES = {BOS: "BOS", MID: "MID"}  # how Puzzle.to_str_tokens shows special tokens
N_CTX = 2 + 2 * LIST_LEN  # 22
MID_POS = 1 + LIST_LEN  # 11
FIRST_COUNTED, STOP_COUNTED = MID_POS, N_CTX - 1  # task positions [11, 21)


def generate(n: int, seed: int, split: str = "eval") -> dict[str, np.ndarray]:
    """`tokens` [n, 22] and `targets` [n, 22]: targets[p] = tokens[p+1] for p in 11..20, -1 elsewhere."""
    rng = np.random.default_rng(seed)
    # ten distinct values per row: the first ten of a random permutation of 0..49
    values = np.argsort(rng.random((n, N_VALUES)), axis=1)[:, :LIST_LEN].astype(np.int64)
    tokens = np.empty((n, N_CTX), dtype=np.int64)
    tokens[:, 0] = BOS
    tokens[:, 1:MID_POS] = values
    tokens[:, MID_POS] = MID
    tokens[:, MID_POS + 1:] = np.sort(values, axis=1)
    targets = np.full_like(tokens, -1)
    targets[:, FIRST_COUNTED:STOP_COUNTED] = tokens[:, FIRST_COUNTED + 1:STOP_COUNTED + 1]
    return {"tokens": tokens, "targets": targets}
