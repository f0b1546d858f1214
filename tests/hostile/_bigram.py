"""Shared by the hostile modules: bigram_0l's correct circuit and algorithm (imported inside the worker only)."""

import numpy as np

from harness.hypothesis import puzzle_data



def next_character_distribution(tokens: np.ndarray) -> np.ndarray:
    return puzzle_data("bigram_0l").bigram_table()[tokens]
