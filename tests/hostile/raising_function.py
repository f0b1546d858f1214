"""Imports fine; its algorithm raises an ordinary exception (one failed claim, not a broken worker)."""

from harness.hypothesis import Algorithm, Circuit, Hypothesis


def predict(tokens):
    raise ValueError("this predict always fails")


hypothesis = Hypothesis(puzzle="bigram_0l", claims=[Circuit(["embed[0:31]"]), Algorithm(predict, explains=["embed"])])
