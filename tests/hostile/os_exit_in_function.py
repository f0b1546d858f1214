"""Imports fine; its algorithm ends the process with os._exit(0), which no except clause can catch."""

import os

from harness.hypothesis import Algorithm, Circuit, Hypothesis


def predict(tokens):
    os._exit(0)


hypothesis = Hypothesis(puzzle="bigram_0l", claims=[Circuit(["embed[0:31]"]), Algorithm(predict, explains=["embed"])])
