"""A correct bigram_0l hypothesis that also vandalises numpy, torch and harness, and prints junk to stdout.

None of it may reach the grading process; its own functions still work (they use none of what it broke).
"""

import os
import sys

import numpy
import torch

import harness
import harness.grader
import harness.grading
from harness.hypothesis import Algorithm, Circuit, Hypothesis

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _bigram import next_character_distribution  # noqa: E402

numpy.mean = lambda *args, **kwargs: 1.0
torch.Tensor.__add__ = lambda self, other: torch.zeros(())
torch.log_softmax = lambda *args, **kwargs: None
harness.grader.grade = lambda *args, **kwargs: "every hypothesis solves everything"
harness.grading.CHECKS.clear()
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
