"""A correct bigram_0l hypothesis that also vandalises numpy and harness, and prints junk to stdout.

None of it may reach the grading process; its own functions still work (they use none of what it broke).
"""

import os
import sys

import numpy

import harness
from harness.hypothesis import Algorithm, Circuit, Hypothesis, puzzle_data


def next_character_distribution(tokens):  # bigram_0l's algorithm (a module cannot import files of its own folder)
    return puzzle_data("bigram_0l").bigram_table()[tokens]


numpy.mean = lambda *args, **kwargs: 1.0
harness.grade = lambda *args, **kwargs: "every hypothesis solves everything"
harness.load_puzzle = None

print("junk on stdout from print()")
sys.stdout.write("\x00\x00\x00\x10{\"ok\": true}junk via sys.stdout\n")
sys.stdout.flush()
os.write(1, b"\xff\xff\xff\xffjunk written to fd 1\n")
print("junk on stderr", file=sys.stderr)


def predict(tokens):
    print("junk printed inside predict")
    os.write(1, b"\x00\x00\x00\x05junk")
    return next_character_distribution(tokens)


hypothesis = Hypothesis(
    puzzle="bigram_0l",
    description="The reference bigram hypothesis, plus vandalism that must stay inside the worker.",
    claims=[Circuit(["embed[0:31]"], name="embedding at the counted positions"),
            Algorithm(predict, explains=["embed"], name="bigram statistics")],
    metadata={"ok": [1, 2.5, "x"], "dropped": object(), "nan": float("nan")},
)
