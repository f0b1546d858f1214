"""Imports fine; its algorithm allocates 20 GiB."""

import numpy as np

from harness.hypothesis import Algorithm, Circuit, Hypothesis


def predict(tokens):
    return np.ones(20 * 2**30 // 8)


hypothesis = Hypothesis(puzzle="bigram_0l", claims=[Circuit(["embed[0:31]"]), Algorithm(predict, explains=["embed"])])
