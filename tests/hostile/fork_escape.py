"""At import, forks through libc (no audit event), starts a new session and forks again: the grandchild is
re-parented away from the worker and out of its process group. It lives 30 s unless the sandbox kills it.
The module is otherwise bigram_0l's reference, so grading goes on normally."""

import ctypes
import os
import sys
import time

from harness.hypothesis import puzzle_data  # noqa: E402


def next_character_distribution(tokens):  # bigram_0l's algorithm (a module cannot import files of its own folder)
    return puzzle_data("bigram_0l").bigram_table()[tokens]

from harness.hypothesis import Algorithm, Circuit, Hypothesis  # noqa: E402

libc = ctypes.CDLL(None, use_errno=True)
if libc.fork() == 0:  # child
    libc.setsid()
    if libc.fork() == 0:  # grandchild: outlive the worker
        end = time.monotonic() + 30
        while time.monotonic() < end:
            time.sleep(0.2)
    libc._exit(0)

hypothesis = Hypothesis(puzzle="bigram_0l", claims=[Circuit(["embed[0:31]"]),
                                                    Algorithm(next_character_distribution, explains=["embed"])])
