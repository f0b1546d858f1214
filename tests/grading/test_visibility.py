"""A claim whose effect is hidden is graded where it shows (harness/grading/visibility.py): under global_mean when a
per-position ablation hides it, with its redundant partners ablated when they cover for it; a claim still untestable
earns nothing, an attention claim included."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from harness.grader import grade
from harness.grading.visibility import partner_candidates
from harness.hypothesis import Attention, Hypothesis, PathClaim


def previous_position(tokens: np.ndarray) -> np.ndarray:
    return np.broadcast_to(np.arange(tokens.shape[1]) - 1, tokens.shape).copy()


def only(puzzle, *claims, n=256):
    return grade(Hypothesis(puzzle.name, list(claims)), puzzle=puzzle, n=n).claims


def test_a_false_path_behind_a_backup_head_fails_and_the_true_one_passes(shipped):
    """induction_2l: L0H1 covers for L0H0, so L0H0 alone costs < δ; with L0H1 ablated its route is tested."""
    puzzle = shipped("induction_2l")
    q, k = only(puzzle, PathClaim("L0H0", "L1H0.q+L1H1.q"), PathClaim("L0H0", "L1H0.k+L1H1.k"))
    for claim in (q, k):
        assert claim.details["graded_where_visible"]["partners"] == ["L0H1"], claim.message
        assert "L0H1 covers for it" in claim.message
    assert q.verdict == "fail" and "path.share" in q.failures, q.message
    assert k.verdict == "pass" and k.explains == ["L0H0"], k.message


def test_the_position_under_a_per_position_ablation_is_graded_under_global_mean(shipped):
    """permutation_listing's default ablation is per-position mean: the positional embedding costs nothing there."""
    puzzle = shipped("permutation_listing")
    v, qk = only(puzzle, PathClaim("pos_embed", "L0H0.v"), PathClaim("pos_embed", "L0H0.qk"))
    assert v.ablation == qk.ablation == "global_mean"
    assert v.verdict == "fail" and qk.verdict == "pass", (v.message, qk.message)
    assert v.details["graded_where_visible"] == {"ablation": "global_mean", "partners": []}


def test_a_backup_heads_attention_is_tested_with_the_heads_that_cover_for_it_ablated(shipped):
    puzzle = shipped("previous_token_mlp")
    (claim,) = only(puzzle, Attention("L0H3", previous_position))
    assert claim.details["intervention_tested"] and claim.verdict == "pass", claim.message
    assert set(claim.details["graded_where_visible"]["partners"]) <= {"L0H0", "L0H1", "L0H2"}


@dataclass
class _Ctx:
    """Just what grade_visible reads of a Context, for a check that never finds an effect."""

    space: object
    ablation: str = "mean"
    background: tuple = ()

    def for_claim(self, content):
        return self

    def within(self, edits):
        return replace(self, background=tuple(edits))

    def ablate_all(self, component):
        return ("ablated", str(component))


def test_an_attention_claim_nothing_can_test_earns_nothing(shipped, monkeypatch):
    from harness.grading import visibility
    from harness.grading.context import ClaimResult
    from harness.grading.grader import sample_space

    seen = []

    def check(ctx, index, claim):  # a true pattern on a head whose removal costs nothing anywhere
        seen.append((ctx.ablation, ctx.background))
        return ClaimResult(index, "attention", "a", True, 0.8, 0.4, (0.7, 0.9), 64, ctx.ablation, ["L0H3"], [], "m.",
                           {"intervention_tested": False}, "pass")

    monkeypatch.setattr(visibility, "covering_partners", lambda ctx, subject: ([subject], 0.2))
    space = sample_space(shipped("previous_token_mlp"), 1, 4)[0]
    claim = Attention("L0H3", previous_position)
    res = visibility.grade_visible(check, _Ctx(space), {"kind": "attention"}, 0, claim)
    assert [a for a, _ in seen] == ["mean", "global_mean", "mean"] and len(seen[2][1]) == 1  # both places looked at
    assert res.verdict == "vacuous" and not res.passed and res.explains == [], res
    assert "attention.untestable" in res.failures and "earns nothing" in res.message


def test_partners_are_the_components_computed_beside(shipped):
    from harness.grading.grader import sample_space

    space = sample_space(shipped("previous_token_mlp"), 1, 4)[0]
    assert [str(c) for c in partner_candidates(space, space.parse("L0H1[2:24]"))] == ["L0H0", "L0H2", "L0H3"]
    assert [str(c) for c in partner_candidates(space, space.parse("pos_embed"))] == ["embed"]
    assert partner_candidates(space, space.parse("MLP0")) == []
