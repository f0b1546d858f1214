"""A circuit over a billion positions: the grading process must refuse it before building the range."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _bigram import next_character_distribution  # noqa: E402

from harness.hypothesis import Algorithm, Circuit, Hypothesis  # noqa: E402

hypothesis = Hypothesis(puzzle="bigram_0l", claims=[Circuit(["embed[0:1000000000]"]),
                                                    Algorithm(next_character_distribution, explains=["embed"])])
