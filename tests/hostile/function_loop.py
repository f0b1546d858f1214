"""Imports fine; its algorithm never returns."""

from harness.hypothesis import Algorithm, Circuit, Hypothesis


def predict(tokens):
    while True:
        pass


hypothesis = Hypothesis(puzzle="bigram_0l", claims=[Circuit(["embed[0:31]"]), Algorithm(predict, explains=["embed"])])
