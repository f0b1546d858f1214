"""The joint test (harness/grading/joint.py): every passing claim's intervention is applied at once, and claims
that hold one at a time but conflict together fail it; with nothing to apply there is no joint test."""

from __future__ import annotations


from harness.grading import grade, joint
from harness.grading.context import ClaimResult
from harness.hypothesis import Algorithm, Attention, Circuit, Hypothesis, Interchange, PathClaim, Scrubbing
from helpers import CIRCUIT, RP, previous_position, previous_token


def test_the_joint_test_applies_every_passing_claims_intervention_at_once(rp, monkeypatch):
    """Claims are also tested together: here a passing claim's intervention is made to conflict with the
    rest (it zeroes L1H0 as well), which no single-claim check sees; the joint test must fail and block."""
    import torch

    from harness.grading.context import Context
    from harness.grading.edits import Replace

    claims = [Circuit(CIRCUIT), PathClaim("L0H0", "L1H0.qk"), Attention("L1H0", previous_position),
              Scrubbing("L1H0", previous_token), Interchange("L1H0", previous_token, lambda b, s: s)]
    honest = grade(Hypothesis(RP, claims), puzzle=rp, n=64)
    assert honest.joint.passed and honest.joint.details["claims"] == [1, 2, 3]
    offer = Context.offer

    def conflicting(self, index, edits):
        if index == 3:
            head = self.space.parse("L1H0")
            edits = list(edits) + [Replace(head, torch.ones(self.space.n_ctx, dtype=torch.bool),
                                           torch.zeros_like(self.base.activation(head)))]
        offer(self, index, edits)

    monkeypatch.setattr(Context, "offer", conflicting)
    report = grade(Hypothesis(RP, claims), puzzle=rp, n=64)
    assert all(c.passed for c in report.claims) and not report.joint.passed and not report.solved
    assert "joint" in " ".join(report.failures)


def test_without_a_circuit_or_a_passing_claims_edits_there_is_no_joint_test():
    class Untouchable:  # the check must not run anything when there is nothing to apply
        def __getattr__(self, name):
            raise AssertionError(f"the joint test used ctx.{name}")

    failing = ClaimResult(0, "scrubbing", "s", False, 0.1, 0.9, (0.0, 0.2), 64, "mean", [], ["scrubbing"])
    assert joint.check(Untouchable(), [], {}, []) is None
    assert joint.check(Untouchable(), [], {0: ["an edit"]}, [failing]) is None  # offered, but the claim failed


def test_a_hypothesis_without_interventions_on_a_puzzle_without_circuits_gets_no_joint_result(shipped):
    report = grade(Hypothesis("bigram_0l", [Algorithm(lambda t: t)]), puzzle=shipped("bigram_0l"))
    assert report.joint is None and "circuit" not in report.parts
