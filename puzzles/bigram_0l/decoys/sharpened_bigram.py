"""Plausible wrong mechanism, close on average (judged against the task's own answer): the corpus's bigram
distribution sharpened to temperature 0.7 — as if the model were more confident than the statistics it learned.
Its agreement with the model (1 − KL / KL to uniform) is 0.952, above the fixed bar of 0.95, so the v2 rules solved the
puzzle with it. But the corpus's own distribution agrees with the model on 0.982, and a claim about what the model
computes may fall at most 0.01 below the task's answer: this one falls further and fails `algorithm.label`.
"""

import numpy as np

from harness.hypothesis import Algorithm, Hypothesis, puzzle_data

EXPECTED_FAILURES = ["algorithm.label"]


def sharpened(tokens):
    table = puzzle_data("bigram_0l").bigram_table() ** (1 / 0.7)
    return (table / table.sum(1, keepdims=True))[tokens]


hypothesis = Hypothesis(puzzle="bigram_0l", claims=[Algorithm(sharpened, name="bigram statistics at temperature 0.7")])
