"""Twelve algorithm claims whose function each takes 1 s: every call is well inside the per-call limit, but the
job as a whole keeps the grading process busy (the leaderboard's time budget per job stops it)."""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _bigram import next_character_distribution  # noqa: E402

from harness.hypothesis import Algorithm, Circuit, Hypothesis  # noqa: E402


def slow(tokens):
    time.sleep(1.0)
    return next_character_distribution(tokens)


hypothesis = Hypothesis(puzzle="bigram_0l", claims=[Circuit(["embed[0:31]"])]
                        + [Algorithm(slow, explains=["embed"], name=f"slow {i}") for i in range(12)])
