"""Decoy: "the embedding only encodes whether the character is a vowel".

A wrong feature: resampling the embedding among characters that merely share vowel-ness destroys
the prediction, so the scrubbing claim keeps far less than the threshold.
"""

import numpy as np

from harness.hypothesis import Circuit, Hypothesis, Scrubbing

EXPECTED_FAILURES = ["scrubbing"]

VOCAB = " ,.:abcdefghiklmnopqrstuvwxyz"
VOWEL = np.array([c in "aeiou" for c in VOCAB])


hypothesis = Hypothesis(puzzle="bigram_0l", claims=[
    Circuit(["embed[0:31]"]),
    Scrubbing("embed", lambda tokens: VOWEL[tokens].astype(int), name="embedding = vowel or not"),
])
