"""Decoy: "the model predicts the character two steps ahead" (skip-bigram statistics).

A wrong feature of the corpus: the model was trained on the next character, and its predictions
match the one-step table, not the two-step one.
"""

import numpy as np

from harness.hypothesis import Algorithm, Circuit, Hypothesis

EXPECTED_FAILURES = ["algorithm"]

CORPUS = (
    "a model with no layers sees one character at a time. it turns that character into a vector, "
    "then turns the vector into a guess about the next character. with nothing else to go on, "
    "the best guess it can make is the one the text itself makes most often: after a space comes "
    "a new word, after a dot comes a space, and after the letter q there is always a u. "
    "so the whole model is a lookup table, squeezed through a narrow vector."
)
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
