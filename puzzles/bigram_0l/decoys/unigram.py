"""Decoy: "the model predicts each character by its overall frequency in the text".

A wrong algorithm (the unigram distribution ignores the current character): far from the model's
predictions, which depend strongly on the current character.
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


def unigram(tokens):
    counts = np.bincount([VOCAB.index(c) for c in CORPUS], minlength=len(VOCAB)).astype(float)
    return np.broadcast_to(counts / counts.sum(), (*tokens.shape, len(VOCAB))).copy()


hypothesis = Hypothesis(puzzle="bigram_0l", claims=[
    Circuit(["embed[0:31]"]),
    Algorithm(unigram, explains=["embed"], name="unigram frequencies"),
])
