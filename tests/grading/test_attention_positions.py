"""Attention claims about a head named with positions (harness/grading/attention.py): judged at those queries, and
only if the head is used nowhere else — in the model or with the heads beside it ablated."""

from __future__ import annotations

import numpy as np

from harness.grader import grade
from harness.hypothesis import Attention, Hypothesis


def previous_position(tokens: np.ndarray) -> np.ndarray:
    return np.broadcast_to(np.arange(tokens.shape[1]) - 1, tokens.shape).copy()


def claims(puzzle, *attention):
    return grade(Hypothesis(puzzle.name, list(attention)), puzzle=puzzle, n=256).claims


def test_a_layer0_head_is_judged_where_it_is_used(shipped):
    """induction_2l: the layer-0 heads are previous-token heads at the key positions 11-24 only."""
    puzzle = shipped("induction_2l")
    at_keys, at_task = claims(puzzle, Attention("L0H1[11:25]", previous_position), Attention("L0H1", previous_position))
    assert at_keys.verdict == "pass" and at_keys.details["query_positions"] == list(range(11, 25)), at_keys.message
    assert at_keys.details["cost_elsewhere"] < puzzle.declaration.grading.delta
    assert at_task.verdict == "fail" and "attention.per_query" in at_task.failures  # judged at 25-31: diffuse there


def test_positions_where_the_rule_happens_to_hold_fail_when_the_head_is_used_elsewhere(shipped):
    puzzle = shipped("induction_2l")
    half, unused = claims(puzzle, Attention("L0H1[11:18]", previous_position), Attention("L1H0[0:5]", previous_position))
    # L0H1 at 18-24 matters once L0H0, its backup, is ablated; L1H0 is used at 25-31
    assert half.failures == ["attention.elsewhere"] and "used at positions the claim leaves out" in half.message
    assert half.details["cost_elsewhere"] > 0.3
    assert "attention.elsewhere" in unused.failures and unused.verdict == "fail"
