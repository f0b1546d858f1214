"""Gaming decoy: a table of the most likely next character (the model's own top predictions) as the
algorithm. On this puzzle the answer is a distribution, so labels are compared as one-hot
distributions and the claim fails."""

import numpy as np

from harness.hypothesis import Algorithm, Hypothesis, puzzle_data

EXPECTED_FAILURES = ["algorithm"]


def top_next_character(tokens):
    return puzzle_data("bigram_0l").bigram_table().argmax(-1)[tokens]


hypothesis = Hypothesis(puzzle="bigram_0l", claims=[Algorithm(top_next_character, name="argmax of the bigram table")])
