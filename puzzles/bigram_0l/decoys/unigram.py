"""Decoy: "the model predicts each character by its overall frequency in the text".

A wrong algorithm (the unigram distribution ignores the current character): far from the model's
predictions, which depend strongly on the current character.
"""

import numpy as np

from harness.hypothesis import Algorithm, Circuit, Hypothesis, puzzle_data

EXPECTED_FAILURES = ["algorithm"]

# The training corpus is public: the puzzle's data.py.
CORPUS = puzzle_data("bigram_0l").CORPUS
VOCAB = "".join(sorted(set(CORPUS)))


def unigram(tokens):
    counts = np.bincount([VOCAB.index(c) for c in CORPUS], minlength=len(VOCAB)).astype(float)
    return np.broadcast_to(counts / counts.sum(), (*tokens.shape, len(VOCAB))).copy()


hypothesis = Hypothesis(puzzle="bigram_0l", claims=[
    Circuit(["embed[0:31]"]),
    Algorithm(unigram, explains=["embed"], name="unigram frequencies"),
])
