"""bigram_0l's reference, with its algorithm in a sibling module `_impl.py` (which the test then breaks)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _impl import next_character_distribution  # noqa: E402

from harness.hypothesis import Algorithm, Circuit, Hypothesis  # noqa: E402

hypothesis = Hypothesis(puzzle="bigram_0l", claims=[Circuit(["embed[0:31]"]),
                                                    Algorithm(next_character_distribution, explains=["embed"])])
