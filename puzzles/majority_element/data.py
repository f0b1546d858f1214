"""majority_element data: `BOS x1 ... x10 END`; one value fills 6 of the 10 places; predict it at END.

Values are tokens 0-49, END is 50, BOS is 51. The majority value is uniform on 0-49 and sits at 6 random
places; each of the other 4 places holds a uniform random value other than the majority value (they may
repeat each other, so another value can fill up to 4 places, never 6). Train and eval splits draw from the
same distribution; they differ only by seed.
"""

import numpy as np

N_VALUES = 50  # values are tokens 0..49
END = 50
BOS = 51
TOKEN_NAMES = {END: "END", BOS: "BOS"}  # how Puzzle.to_str_tokens shows special tokens
N_ITEMS = 10
MAJORITY = 6  # places the majority value fills
N_CTX = N_ITEMS + 2  # BOS, x1..x10, END


def generate(n: int, seed: int, split: str = "eval") -> dict[str, np.ndarray]:
    """`tokens` [n, 12]; `targets` [n, 12]: the majority value at position 11 (END), -1 elsewhere."""
    rng = np.random.default_rng(seed)
    majority = rng.integers(0, N_VALUES, size=n)
    others = rng.integers(0, N_VALUES - 1, size=(n, N_ITEMS - MAJORITY))
    others += others >= majority[:, None]  # uniform over the 49 values other than the majority
    items = np.concatenate([np.repeat(majority[:, None], MAJORITY, axis=1), others], axis=1)
    items = np.take_along_axis(items, rng.random((n, N_ITEMS)).argsort(axis=1), axis=1)  # random places
    tokens = np.empty((n, N_CTX), dtype=np.int64)
    tokens[:, 0], tokens[:, 1:-1], tokens[:, -1] = BOS, items, END
    targets = np.full_like(tokens, -1)
    targets[:, -1] = majority
    return {"tokens": tokens, "targets": targets}
