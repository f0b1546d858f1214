"""permutation_listing data: "> " then all 24 orderings of 4 distinct characters in lexicographic order.

Example: "> abcd abdc acbd acdb adbc adcb bacd ... dcba."  (122 characters, one token each)
Characters are ordered by their position in VOCAB, so "lexicographic" means VOCAB order.
Training and evaluation use disjoint sets of character combinations (10% of all C(62, 4) are held out).
"""

import itertools
import string
from functools import lru_cache

import numpy as np

VOCAB = "> ." + string.ascii_letters + string.digits  # 65 tokens: '>' 0, ' ' 1, '.' 2, then 62 characters
PROMPT_LEN = 2  # "> "
K = 4  # characters per combination
N_CTX = 2 + 24 * K + 23 + 1  # 122
FIRST_COUNTED = 1 + K  # loss counts predictions from the last character of the first ordering on
HELD_OUT_FRACTION = 0.1
SPLIT_SEED = 20261123  # fixes which combinations are held out; never change without a version bump


def _template() -> np.ndarray:
    """Per position: the rank (0-3) of the character there, or -1 for '>', -2 for ' ', -3 for '.'."""
    out = [-1, -2]
    for i, perm in enumerate(itertools.permutations(range(K))):
        out += list(perm) + ([-2] if i < 23 else [-3])
    return np.array(out, dtype=np.int64)


TEMPLATE = _template()
SPECIAL = {-1: VOCAB.index(">"), -2: VOCAB.index(" "), -3: VOCAB.index(".")}


@lru_cache(maxsize=1)
def combination_splits() -> dict[str, np.ndarray]:
    """All C(62, 4) combinations (character ranks, ascending), split into train and eval once and for all."""
    combos = np.array(list(itertools.combinations(range(len(VOCAB) - 3), K)), dtype=np.int64) + 3
    held_out = np.random.default_rng(SPLIT_SEED).random(len(combos)) < HELD_OUT_FRACTION
    return {"train": combos[~held_out], "eval": combos[held_out]}


def encode(combos: np.ndarray) -> np.ndarray:
    """Token sequences [n, 122] for combinations [n, 4] of token ids in ascending order."""
    tokens = np.empty((len(combos), N_CTX), dtype=np.int64)
    for code, token in SPECIAL.items():
        tokens[:, TEMPLATE == code] = token
    ranked = TEMPLATE >= 0
    tokens[:, ranked] = combos[:, TEMPLATE[ranked]]
    return tokens


def decode(tokens) -> str:
    return "".join(VOCAB[t] for t in tokens)


def generate(n: int, seed: int, split: str = "eval") -> dict[str, np.ndarray]:
    """`tokens` [n, 122], `targets` (the next token from position 5 to 120, else -1) and `combination` [n, 4]."""
    rng = np.random.default_rng(seed)
    pool = combination_splits()[split]
    combos = pool[rng.integers(0, len(pool), size=n)]
    tokens = encode(combos)
    targets = np.full_like(tokens, -1)
    targets[:, FIRST_COUNTED:-1] = tokens[:, FIRST_COUNTED + 1:]
    return {"tokens": tokens, "targets": targets, "combination": combos}
