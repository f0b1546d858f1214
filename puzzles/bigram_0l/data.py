"""bigram_0l data: windows of one short, fixed, character-level corpus; predict the next character.

The corpus below is the whole training set. A model without layers sees only the current
character, so the best it can do is the corpus's bigram statistics; `bigram_distribution`
gives those as the task's reference.
"""

from functools import lru_cache

import numpy as np

CORPUS = (
    "a model with no layers sees one character at a time. it turns that character into a vector, "
    "then turns the vector into a guess about the next character. with nothing else to go on, "
    "the best guess it can make is the one the text itself makes most often: after a space comes "
    "a new word, after a dot comes a space, and after the letter q there is always a u. "
    "so the whole model is a lookup table, squeezed through a narrow vector."
)
VOCAB = "".join(sorted(set(CORPUS)))
N_CTX = 32
IDS = np.array([VOCAB.index(c) for c in CORPUS], dtype=np.int64)


def decode(tokens) -> str:
    return "".join(VOCAB[t] for t in tokens)


@lru_cache(maxsize=1)
def bigram_table() -> np.ndarray:
    """P(next | current) over the corpus, [d_vocab, d_vocab]; every character has a successor (read-only)."""
    counts = np.zeros((len(VOCAB), len(VOCAB)))
    np.add.at(counts, (IDS[:-1], IDS[1:]), 1)
    table = counts / counts.sum(1, keepdims=True)
    table.flags.writeable = False  # cached and shared: a caller must not change it
    return table


def bigram_distribution(tokens: np.ndarray) -> np.ndarray:
    """The reference: the corpus's next-character distribution at every position, [batch, pos, d_vocab]."""
    return bigram_table()[tokens]


def generate(n: int, seed: int, split: str = "eval") -> dict[str, np.ndarray]:
    """`n` windows of N_CTX characters at random offsets; `targets` = next character (positions 0-30), -1 at 31."""
    rng = np.random.default_rng(seed)
    starts = rng.integers(0, len(IDS) - N_CTX, size=n)
    tokens = IDS[starts[:, None] + np.arange(N_CTX)]
    targets = np.full_like(tokens, -1)
    targets[:, :-1] = tokens[:, 1:]
    return {"tokens": tokens, "targets": targets, "offset": starts}
