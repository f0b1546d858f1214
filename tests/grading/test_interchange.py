"""Interchange claims (harness/grading/interchange.py): a claim cannot pick the positions where it is tested, and
the labels of predict are checked (shape, integer dtype, range) before they are compared."""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pytest
import torch

import harness
from harness.grading import grade
from harness.grading.interchange import labels
from harness.hypothesis import Hypothesis, HypothesisError, Interchange


def test_an_interchange_claim_cannot_pick_its_positions():
    """A predict that says 'no prediction' (-1) everywhere but where it happens to be right is tested everywhere."""
    puzzle = harness.load_puzzle("previous_token_mlp")

    def sparse(base, source):
        out = np.full(base.shape, -1)
        out[:, 5] = source[:, 4]
        return out

    report = grade(Hypothesis("previous_token_mlp", [Interchange("L1H3", lambda t: t, sparse)]), puzzle=puzzle, n=64)
    assert report.claims[0].verdict != "pass", report.claims[0].message
    with pytest.raises(harness.hypothesis.HypothesisError, match="outside"):
        grade(Hypothesis("previous_token_mlp", [Interchange("L1H3", lambda t: t, lambda b, s: s + 10**6)]),
              puzzle=puzzle, n=64)


def _ctx(variable, predict, vocab: int = 5):
    """The part of a Context that `labels` reads: the graded and source tokens, the solver's calls, the vocabulary."""
    base = torch.tensor([[0, 1, 2], [3, 4, 0]])
    source = torch.tensor([[4, 4, 4], [1, 1, 1]])
    functions = {"variable": variable, "predict": predict}
    return SimpleNamespace(sample=SimpleNamespace(batch={"tokens": base}, source_batch={"tokens": source}),
                           call=lambda index, field, arrays: functions[field](*arrays), d_vocab_out=vocab)


def test_labels_are_predict_on_the_sources_variable_and_on_the_bases_own():
    cf, own = labels(_ctx(lambda t: t[:, :1], lambda base, value: np.broadcast_to(value, base.shape).copy()), 0, "claim")
    assert cf.tolist() == [[4, 4, 4], [1, 1, 1]]
    assert own.tolist() == [[0, 0, 0], [3, 3, 3]]


@pytest.mark.parametrize("variable, predict, says", [
    (lambda t: t, lambda b, v: v.astype(float), "dtype float64"),
    (lambda t: t, lambda b, v: v[:, :2], "shape (2, 2)"),
    (lambda t: t, lambda b, v: v + 1, "outside -1..4"),
    (lambda t: t[0], lambda b, v: b, "variable returned shape (3,)"),
])
def test_bad_labels_are_a_hypothesis_error_naming_the_claim(variable, predict, says):
    with pytest.raises(HypothesisError, match=re.escape(says)) as exc:
        labels(_ctx(variable, predict), 4, "Interchange claim 4")
    assert str(exc.value).startswith("Interchange claim 4 ")
