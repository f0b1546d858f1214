"""Imports fine; its algorithm dereferences a null pointer through ctypes (SIGSEGV)."""

import ctypes

from harness.hypothesis import Algorithm, Circuit, Hypothesis


def predict(tokens):
    return ctypes.string_at(0)


hypothesis = Hypothesis(puzzle="bigram_0l", claims=[Circuit(["embed[0:31]"]), Algorithm(predict, explains=["embed"])])
