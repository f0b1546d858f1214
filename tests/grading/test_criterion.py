"""The solve criterion and the score (harness/grading/criterion.py): decide() on constructed claim results, and
through the grader: an empty hypothesis scores 0, passing claims raise the score, an unanswered required question
blocks the solve."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import harness
from harness.grader import grade
from harness.grading.context import ClaimResult
from harness.grading.criterion import CIRCUIT_CHECKS, decide
from harness.grading.required import about
from harness.hypothesis import Algorithm, Attention, Circuit, Hypothesis
from harness.puzzle.declaration import GradingSpec, RequiredQuestion
from helpers import previous_token, reference

REPO = Path(__file__).resolve().parents[2]


def previous_or_self(tokens: np.ndarray) -> np.ndarray:
    """Bool [batch, query, key]: keys q-1 and q (what L1H0 of rederive_position attends to)."""
    n_ctx = tokens.shape[1]
    keys = np.eye(n_ctx, dtype=bool) | np.eye(n_ctx, k=-1, dtype=bool)
    return np.broadcast_to(keys, (len(tokens), n_ctx, n_ctx)).copy()


PASSING = [Attention("L1H0", previous_or_self, queries=range(1, 10), name="previous position or self"),
           Algorithm(previous_token, name="previous token")]


def test_no_claims_scores_zero(shipped):
    report = grade(Hypothesis(puzzle="bigram_0l", claims=[]), puzzle=shipped("bigram_0l"))
    assert not report.solved
    assert report.score == 0.0, report.parts
    assert report.claims == []
    report = grade(Hypothesis(puzzle="rederive_position", claims=[]), puzzle=shipped("rederive_position"))
    assert report.score == 0.0, report.parts
    assert any("no circuit claim" in f.lower() for f in report.failures), report.failures


def test_score_grows_with_passing_claims(shipped):
    puzzle = shipped("bigram_0l")
    (bigram,) = harness.hypothesis.load_hypothesis(reference("bigram_0l")).claims
    unigram = harness.hypothesis.load_hypothesis(REPO / "puzzles" / "bigram_0l" / "decoys" / "unigram.py").claims[1]

    def score(*claims):
        report = grade(Hypothesis(puzzle="bigram_0l", claims=list(claims)), puzzle=puzzle)
        assert report.solved == (report.score == 1.0)
        return report

    wrong = score(unigram)
    assert wrong.score == 0.0 and not wrong.solved
    with_both = score(unigram, bigram)
    assert not with_both.solved  # a failing claim keeps it unsolved ...
    assert wrong.score < with_both.score < 1.0  # ... but the passing claim raises the score
    assert score(bigram).score == 1.0


def test_required_question_unanswered_blocks_the_solve(shipped):
    """rederive_position requires a path claim about L0H0; the circuit with attention + algorithm claims is not enough."""
    report = grade(Hypothesis(puzzle="rederive_position", claims=[
        Circuit(["embed[0:9]", "L0H0[1:9]", "L1H0[1:10]"]), *PASSING]), puzzle=shipped("rederive_position"))
    assert not report.solved and report.parts["required"] < 1.0
    assert any("Required question unanswered" in f for f in report.failures), report.failures


# --- decide() on constructed results ----------------------------------------------------------------------------

QUESTION = RequiredQuestion("What does L1H0 carry?", ("L1H0",), ("scrubbing", "interchange"))
SPEC = GradingSpec(required=(QUESTION,))


def claim(index, kind, verdict="pass", explains=(), failures=None, components=None) -> ClaimResult:
    failures = ([] if verdict != "fail" else [f"{kind}"]) if failures is None else failures
    details = {"components": list(components)} if components is not None else {}
    return ClaimResult(index, kind, f"{kind} {index}", verdict == "pass", 1.0, 0.9, (0.9, 1.0), 64, "mean",
                       list(explains) if verdict == "pass" else [], failures, f"message {index}", details, verdict)


def joint_result(passed=True) -> ClaimResult:
    return claim(-1, "joint", "pass" if passed else "fail", failures=[] if passed else ["joint"])


def full_hypothesis():
    circuit = claim(0, "circuit", components=["embed[0:9]", "L0H0[1:9]", "L1H0"])
    return [circuit, claim(1, "path", explains=["L0H0"]), claim(2, "scrubbing", explains=["L1H0"])], circuit


def test_a_complete_hypothesis_solves_with_score_one():
    results, circuit = full_hypothesis()
    solved, score, parts, failures, unexplained, notes = decide(SPEC, results, joint_result(), circuit)
    assert solved and score == 1.0 and failures == [] and unexplained == [] and notes == []
    assert parts == {"circuit": 1.0, "coverage": 1.0, "claims": 1.0, "required": 1.0}


def test_each_missing_part_blocks_the_solve_and_lowers_the_score_below_one():
    results, circuit = full_hypothesis()
    # the joint test fails: one of the circuit checks
    solved, score, parts, failures, _, _ = decide(SPEC, results, joint_result(False), circuit)
    assert not solved and parts["circuit"] == pytest.approx((len(CIRCUIT_CHECKS) - 1) / len(CIRCUIT_CHECKS)) and score < 1
    assert any(f.startswith("The joint test fails") for f in failures)
    # the role claim about L0H0 is missing: unexplained, and coverage drops (embeddings need no claim)
    solved, score, parts, failures, unexplained, _ = decide(SPEC, [results[0], results[2]], joint_result(), circuit)
    assert not solved and unexplained == ["L0H0"] and parts["coverage"] == 0.5 and score < 1
    # a failing extra claim
    extra = claim(3, "attention", "fail")
    solved, score, parts, failures, _, _ = decide(SPEC, results + [extra], joint_result(), circuit)
    assert not solved and parts["claims"] == pytest.approx(3 / 4) and score <= 0.999
    assert "Claim 3 (attention, attention 3) fails: message 3" in failures


def test_vacuous_claims_are_noted_and_neither_count_nor_explain():
    results, circuit = full_hypothesis()
    vacuous = claim(2, "scrubbing", "vacuous", explains=["L1H0"])
    solved, _, parts, failures, unexplained, notes = decide(SPEC, results[:2] + [vacuous], joint_result(), circuit)
    assert not solved and unexplained == ["L1H0"] and parts["claims"] == 1.0 and parts["required"] == 0.0
    assert notes == ["Claim 2 (scrubbing, scrubbing 2) earns nothing: message 2"]
    assert any(f.startswith("Required question unanswered: What does L1H0 carry?") for f in failures)


def test_without_circuits_only_claims_and_required_parts_apply():
    spec = GradingSpec(circuit=False, required=(RequiredQuestion("Which distribution?", ("output",), ("algorithm",)),))
    algorithm = claim(0, "algorithm")
    assert about(algorithm) == "output" and about(claim(1, "path", explains=["L0H0"])) == "L0H0"
    solved, score, parts, *_ = decide(spec, [algorithm], None, None)
    assert solved and score == 1.0 and parts == {"claims": 1.0, "required": 1.0}
    solved, score, parts, *_ = decide(spec, [], None, None)
    assert not solved and score == 0.0 and parts == {"claims": 0.0, "required": 0.0}
    solved, score, parts, failures, *_ = decide(GradingSpec(), [], None, None)  # a circuit puzzle, no circuit claim
    assert score == 0.0 and failures[0].startswith("There is no circuit claim")
