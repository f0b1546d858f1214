"""Starts 2,001 threads at import (each sleeps, with a small stack so that the memory limit does not stop them
first), then is bigram_0l's reference."""

import os
import sys
import threading
import time

from harness.hypothesis import puzzle_data  # noqa: E402


def next_character_distribution(tokens):  # bigram_0l's algorithm (a module cannot import files of its own folder)
    return puzzle_data("bigram_0l").bigram_table()[tokens]

from harness.hypothesis import Algorithm, Circuit, Hypothesis  # noqa: E402

threading.stack_size(64 * 1024)
for _ in range(2001):
    threading.Thread(target=time.sleep, args=(20,), daemon=True).start()

hypothesis = Hypothesis(puzzle="bigram_0l", claims=[Circuit(["embed[0:31]"]),
                                                    Algorithm(next_character_distribution, explains=["embed"])])
