"""Imports fine; its algorithm writes a forged, oversized frame to every pipe it can find (the worker's
private protocol channel among them), then returns normally."""

import os
import stat

from harness.hypothesis import Algorithm, Circuit, Hypothesis


def predict(tokens):
    for fd in range(3, 64):
        try:
            if stat.S_ISFIFO(os.fstat(fd).st_mode):
                os.write(fd, b"\x7f\xff\xff\xff{\"ok\": true, \"result\": 1}")
        except OSError:
            pass
    return tokens


hypothesis = Hypothesis(puzzle="bigram_0l", claims=[Circuit(["embed[0:31]"]), Algorithm(predict, explains=["embed"])])
