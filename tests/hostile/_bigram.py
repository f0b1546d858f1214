"""Shared by the hostile modules: bigram_0l's correct circuit and algorithm (imported inside the worker only)."""

import numpy as np

from harness.hypothesis import puzzle_data

CORPUS = puzzle_data("bigram_0l").CORPUS
VOCAB = "".join(sorted(set(CORPUS)))


def bigram_table() -> np.ndarray:
    ids = np.array([VOCAB.index(c) for c in CORPUS])
    counts = np.zeros((len(VOCAB), len(VOCAB)))
    np.add.at(counts, (ids[:-1], ids[1:]), 1)
    return counts / counts.sum(1, keepdims=True)


def next_character_distribution(tokens: np.ndarray) -> np.ndarray:
    return bigram_table()[tokens]
