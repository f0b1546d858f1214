"""Starts 2,001 threads at import (each sleeps, with a small stack so that the memory limit does not stop them
first), then is bigram_0l's reference."""

import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _bigram import next_character_distribution  # noqa: E402

from harness.hypothesis import Algorithm, Circuit, Hypothesis  # noqa: E402

threading.stack_size(64 * 1024)
for _ in range(2001):
    threading.Thread(target=time.sleep, args=(20,), daemon=True).start()

hypothesis = Hypothesis(puzzle="bigram_0l", claims=[Circuit(["embed[0:31]"]),
                                                    Algorithm(next_character_distribution, explains=["embed"])])
