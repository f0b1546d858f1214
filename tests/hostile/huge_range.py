"""A circuit over a billion positions: the grading process must refuse it before building the range."""

import os
import sys

from harness.hypothesis import puzzle_data  # noqa: E402


def next_character_distribution(tokens):  # bigram_0l's algorithm (a module cannot import files of its own folder)
    return puzzle_data("bigram_0l").bigram_table()[tokens]

from harness.hypothesis import Algorithm, Circuit, Hypothesis  # noqa: E402

hypothesis = Hypothesis(puzzle="bigram_0l", claims=[Circuit(["embed[0:1000000000]"]),
                                                    Algorithm(next_character_distribution, explains=["embed"])])
