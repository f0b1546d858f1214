"""Decoy: "the model predicts the character two steps ahead" (skip-bigram statistics).

A wrong feature of the corpus: the model was trained on the next character, and its predictions
match the one-step table, not the two-step one.
"""

import numpy as np

from harness.hypothesis import Algorithm, Circuit, Hypothesis, puzzle_data

EXPECTED_FAILURES = ["algorithm"]

# The training corpus is public: the puzzle's data.py.
CORPUS = puzzle_data("bigram_0l").CORPUS
VOCAB = "".join(sorted(set(CORPUS)))


def two_ahead(tokens):
    ids = np.array([VOCAB.index(c) for c in CORPUS])
    counts = np.ones((len(VOCAB), len(VOCAB))) * 1e-3
    np.add.at(counts, (ids[:-2], ids[2:]), 1)
    return (counts / counts.sum(1, keepdims=True))[tokens]


hypothesis = Hypothesis(puzzle="bigram_0l", claims=[
    Circuit(["embed[0:31]"]),
    Algorithm(two_ahead, explains=["embed"], name="distribution two characters ahead"),
])
