"""Twelve algorithm claims whose function each takes 1 s: every call is well inside the per-call limit, but the
job as a whole keeps the grading process busy (the leaderboard's time budget per job stops it)."""

import os
import sys
import time

from harness.hypothesis import puzzle_data  # noqa: E402


def next_character_distribution(tokens):  # bigram_0l's algorithm (a module cannot import files of its own folder)
    return puzzle_data("bigram_0l").bigram_table()[tokens]

from harness.hypothesis import Algorithm, Circuit, Hypothesis  # noqa: E402


def slow(tokens):
    time.sleep(1.0)
    return next_character_distribution(tokens)


hypothesis = Hypothesis(puzzle="bigram_0l", claims=[Circuit(["embed[0:31]"])]
                        + [Algorithm(slow, explains=["embed"], name=f"slow {i}") for i in range(12)])
