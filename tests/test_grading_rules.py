"""Grader v2's rules, one test each, on the shipped checkpoints (and one independently trained checkpoint).

Each test is written so that the grader before v2 fails it: see the grader-v2 issue's list of holes. The rules
that concern one claim kind live beside that kind's tests (tests/grading/test_<kind>.py); this file keeps the
rules that cut across claims.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import harness
from harness.grading import grade
from harness.hypothesis import Algorithm, Attention, Circuit, Hypothesis, Interchange, PathClaim, Scrubbing
from helpers import CIRCUIT, RP, by_kind, previous_position, previous_token

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def rp():
    return harness.load_puzzle(RP)


def test_a_claims_value_does_not_depend_on_other_claims(rp):
    scrub = Scrubbing("L1H0", previous_token)
    alone = grade(Hypothesis(RP, [scrub]), puzzle=rp, n=64)
    crowded = grade(Hypothesis(RP, [Circuit(CIRCUIT), Attention("L1H0", previous_position), scrub]), puzzle=rp, n=64)
    assert by_kind(alone, "scrubbing")[0].value == by_kind(crowded, "scrubbing")[0].value


@pytest.mark.parametrize("checkpoint", [None, FIXTURES / "rederive_position_seed1.safetensors"])
def test_position_code_is_visible_under_the_default_ablation(checkpoint):
    puzzle = harness.load_puzzle(RP, checkpoint=checkpoint)
    assert puzzle.declaration.grading.ablation == "global_mean"
    without_l0 = grade(Hypothesis(RP, [Circuit(["embed[0:9]", "L1H0[1:10]"])]), puzzle=puzzle).claims[0]
    assert "circuit.faithfulness" in without_l0.failures
    report = grade(Path(__file__).parents[1] / "solutions" / "reference" / f"{RP}.py", puzzle=puzzle)
    assert report.solved, report.failures


def test_vacuous_claims_earn_nothing_and_do_not_explain(rp):
    report = grade(Hypothesis(RP, [Scrubbing("embed", lambda t: t + 1), PathClaim("L1H0", "logits"),
                                   Interchange("embed", lambda t: t, lambda b, s: previous_token(s))]),
                   puzzle=rp, n=64)
    assert [c.verdict for c in report.claims] == ["vacuous"] * 3
    assert report.score == 0.0 and len([n for n in report.notes if "earns nothing" in n]) == 3
    assert "description length was not measured" in report.notes[-1]  # an object, graded in this process


@pytest.mark.parametrize("claims", [
    "None",
    "'Circuit([\"embed\"])'",
    "[Attention('L1H0', lambda t: t, queries='abc')]",
    "[Attention('L1H0', lambda t: t, queries=[1.5])]",
    "[Hostile(['embed'])]",
    "[Circuit('embed')]",
])
def test_malformed_claim_objects_are_a_sentence_and_exit_code_2(tmp_path, capsys, claims):
    from harness.cli import main

    path = tmp_path / "bad.py"
    path.write_text("from harness.hypothesis import *\n"
                    "class Hostile(Circuit):\n"
                    "    def __eq__(self, other): raise RuntimeError('no')\n"
                    "    def __getattribute__(self, name): raise RuntimeError('no')\n"
                    f"hypothesis = Hypothesis(puzzle='{RP}', claims={claims})\n")
    assert main(["grade", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err and str(path) in err, err


@pytest.mark.parametrize("name", ["bigram_0l", "rederive_position", "previous_token_mlp", "permutation_listing",
                                  "min_of_two_ints", "majority_element", "sort_fixed_len_list", "permute_lists",
                                  "modular_addition_mlp", "modular_subtraction", "opposite_adjective_toy", "induction_2l"])
@pytest.mark.parametrize("kind", ["baseline-finder-label", "baseline-finder-tautologies"])
def test_gaming_baselines_solve_nothing(shipped, shipped_sample, name, kind):
    from harness.leaderboard.baselines import baseline_hypothesis

    puzzle = shipped(name)
    seed = puzzle.declaration.grading.seed
    sample = shipped_sample(name, sampled=True)  # n drawn rows: the leaderboard grades baselines on every input
    report = grade(baseline_hypothesis(kind, puzzle, seed, None), puzzle=puzzle, sample=sample, n=sample.n)
    # never solved; at most half the score: a finder's circuit can be true and minimal (a component it names whole
    # is not padded where it is inert by construction), and a label algorithm can agree with the model, but the
    # role claims and the required answers are what it cannot produce (0.5 exactly on induction_2l and
    # modular_addition_mlp since grader v3 step 2; below it before, when those circuits counted as padded)
    assert not report.solved and report.score <= 0.5, (report.score, report.failures)


@pytest.mark.parametrize("name", harness.list_puzzles())
def test_every_puzzle_declares_one_to_three_required_questions(name):
    from harness.puzzle.registry import load_declaration_by_name

    assert 1 <= len(load_declaration_by_name(name).grading.required) <= 3


def test_failing_claims_say_what_to_try_next(rp):
    report = grade(Hypothesis(RP, [PathClaim("L0H0", "L1H0.k"), Attention("L1H0", previous_position),
                                   Circuit(CIRCUIT), Algorithm(previous_token, explains=["L1H0"])]), puzzle=rp, n=64)
    path, attention, _, algorithm = report.claims
    assert not path.passed and "try L0H0 → L1H0.qk" in path.message
    assert "explains= is ignored" in algorithm.message
    broad = grade(Hypothesis(RP, [Attention("L1H0", lambda t: np.broadcast_to(np.arange(10) - 2, t.shape).copy())]),
                  puzzle=rp, n=64).claims[0]
    assert not broad.passed and "leaves out key q−1" in broad.message
