"""Attention claims (harness/grading/attention.py): the value is attention above chance at every declared query,
queries a claim adds are judged on their own, and a rule's output is read as keys or as a bool mask."""

from __future__ import annotations

import re

import numpy as np
import pytest

import harness
from harness.grading import grade
from harness.grading.attention import key_mask
from harness.hypothesis import Attention, Hypothesis, HypothesisError
from helpers import RP, previous_position


def test_attention_rules_are_judged_against_chance_at_every_query(rp):
    def keys(rule):
        return grade(Hypothesis(RP, [Attention("L1H0", rule)]), puzzle=rp, n=64).claims[0].value

    def prev_and(offset):
        def rule(tokens):
            m = np.zeros((len(tokens), 10, 10), dtype=bool)
            for q in range(10):
                m[:, q, max(q - 1, 0)] = True
                m[:, q, max(q - offset, 0)] = True
            return m
        return rule

    def all_but_bos(tokens):
        m = np.tri(10, dtype=bool)
        m[1:, 0] = False
        return np.broadcast_to(m, (len(tokens), 10, 10)).copy()

    natural, padded_wrong, with_self = keys(previous_position), keys(prev_and(2)), keys(prev_and(0))
    assert padded_wrong < natural < with_self  # a wrong key lowers the value; the key it really uses raises it
    assert natural >= harness.load_puzzle(RP).declaration.grading.attention
    assert keys(all_but_bos) < 0.3
    one_query = grade(Hypothesis(RP, [Attention("L0H0", lambda t: np.zeros(t.shape, dtype=int), queries=[1])]),
                      puzzle=rp, n=64).claims[0]
    assert not one_query.passed


def test_extra_queries_are_judged_on_their_own(rp):
    """A wrong rule cannot be lifted over the threshold by adding queries where it is trivially right."""
    def wrong_but_right_at_the_start(tokens):
        keys = np.maximum(np.arange(10) - 3, 0)
        keys[:2] = 0
        return np.broadcast_to(keys, tokens.shape).copy()

    padded = grade(Hypothesis(RP, [Attention("L1H0", wrong_but_right_at_the_start, queries=[0])]), puzzle=rp,
                   n=64).claims[0]
    assert not padded.passed and padded.details["extra_queries_value"] is not None
    honest = grade(Hypothesis(RP, [Attention("L1H0", previous_position, queries=[0])]), puzzle=rp, n=64).claims[0]
    assert "attention" not in honest.failures and honest.value == pytest.approx(
        grade(Hypothesis(RP, [Attention("L1H0", previous_position)]), puzzle=rp, n=64).claims[0].value)


# --- key_mask: what a rule returns ------------------------------------------------------------------------------

def test_integer_keys_become_one_key_per_query_and_minus_one_names_none():
    raw = np.array([[-1, 0, 1], [-1, -1, 2]])
    mask = key_mask(raw, rows=2, n_ctx=3, what="rule")
    assert mask.shape == (2, 3, 3) and mask.dtype == bool
    assert mask.sum(-1).tolist() == [[0, 1, 1], [0, 0, 1]]
    assert mask[0, 1, 0] and mask[0, 2, 1] and mask[1, 2, 2]


def test_a_bool_mask_is_taken_as_it_is_and_copied():
    raw = np.zeros((1, 3, 3), dtype=bool)
    raw[0, 2, :2] = True
    mask = key_mask(raw, rows=1, n_ctx=3, what="rule")
    assert np.array_equal(mask, raw)
    mask[0, 0, 0] = True
    assert not raw[0, 0, 0]  # the solver's array is not aliased


@pytest.mark.parametrize("raw, says", [
    (np.array([[0, 3]]), "key positions >= 2"),
    (np.zeros((1, 2), dtype=float), "shape (1, 2) and dtype float64"),
    (np.zeros((1, 2, 3), dtype=bool), "shape (1, 2, 3)"),
])
def test_keys_out_of_range_or_a_wrong_shape_are_a_hypothesis_error(raw, says):
    with pytest.raises(HypothesisError, match=re.escape(says)) as exc:
        key_mask(raw, rows=1, n_ctx=2, what="Attention claim 3 rule")
    assert str(exc.value).startswith("Attention claim 3 rule returned")


def test_a_rule_too_broad_to_pass_is_vacuous_when_true_and_fails_when_false(rp):
    """Claiming every key (or all but a few) cannot reach the threshold even for a head attending only there: true as
    far as it goes, such a claim earns nothing but does not fail the hypothesis (VACUOUS); a broad rule that leaves
    out where the head does attend still fails."""
    def every_key(tokens):
        return np.broadcast_to(np.tri(10, dtype=bool), (len(tokens), 10, 10)).copy()

    def every_key_but_previous(tokens):
        mask = every_key(tokens)
        for q in range(1, 10):
            mask[:, q, q - 1] = False
        return mask

    true, false = grade(Hypothesis(RP, [Attention("L1H0", every_key), Attention("L1H0", every_key_but_previous)]),
                        puzzle=rp, n=64).claims
    assert true.verdict == "vacuous" and true.failures == ["attention.broad"] and true.explains == []
    assert "cannot pass" in true.message
    assert false.verdict == "fail" and "attention" in false.failures
