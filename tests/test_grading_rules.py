"""Grader v2's rules, one test each, on the shipped checkpoints (and one independently trained checkpoint).

Each test is written so that the grader before v2 fails it: see the grader-v2 issue's list of holes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

import harness
from harness.grading import grade
from harness.hypothesis import Algorithm, Attention, Circuit, Hypothesis, Interchange, PathClaim, Scrubbing, Subspace

FIXTURES = Path(__file__).parent / "fixtures"
RP = "rederive_position"
CIRCUIT = ["embed[0:9]", "L0H0[1:9]", "L1H0[1:10]"]


def previous_token(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 1:] = tokens[:, :-1]
    return out


def previous_position(tokens):
    return np.broadcast_to(np.arange(tokens.shape[1]) - 1, tokens.shape).copy()


def by_kind(report, kind):
    return [c for c in report.claims if c.kind == kind]


@pytest.fixture(scope="module")
def rp():
    return harness.load_puzzle(RP)


def test_a_claims_value_does_not_depend_on_other_claims(rp):
    scrub = Scrubbing("L1H0", previous_token)
    alone = grade(Hypothesis(RP, [scrub]), puzzle=rp, n=64)
    crowded = grade(Hypothesis(RP, [Circuit(CIRCUIT), Attention("L1H0", previous_position), scrub]), puzzle=rp, n=64)
    assert by_kind(alone, "scrubbing")[0].value == by_kind(crowded, "scrubbing")[0].value


def test_minimality_does_not_depend_on_how_the_circuit_is_written(rp):
    lumped = grade(Hypothesis(RP, [Circuit(CIRCUIT)]), puzzle=rp, n=64).claims[0]
    split = grade(Hypothesis(RP, [Circuit(["embed[0:9]"] + [f"L0H0[{p}]" for p in range(1, 9)]
                                          + [f"L1H0[{p}]" for p in range(1, 10)])]), puzzle=rp, n=64).claims[0]
    assert lumped.failures == split.failures == []
    assert lumped.value == pytest.approx(split.value)


def test_padding_is_caught(rp):
    padded = grade(Hypothesis(RP, [Circuit(["embed[0:9]", "L0H0[1:9]", "L1H0"])]), puzzle=rp, n=64).claims[0]
    assert "circuit.minimality" in padded.failures and padded.details["padding"] == {"L1H0": [0]}


def test_last_layer_screen_equals_one_run_per_position(rp, monkeypatch):
    """The padding screen's shortcut for last-layer units (one run for all positions, logits swapped in per
    position) gives the same drops as running each removal on its own."""
    from harness.grading import circuit

    seen = []
    screen = circuit._unit_drops
    monkeypatch.setattr(circuit, "_unit_drops", lambda ctx, keep: seen.append(screen(ctx, keep)) or seen[-1])
    hypothesis = Hypothesis(RP, [Circuit(["embed[0:9]", "L0H0[1:9]", "L1H0"])])
    grade(hypothesis, puzzle=rp, n=64)
    monkeypatch.setattr(circuit, "_position_local", lambda space, group: False)
    grade(hypothesis, puzzle=rp, n=64)
    shortcut, per_run = seen
    assert np.isfinite(shortcut["L1H0"]).sum() == 10
    for base in shortcut:
        np.testing.assert_allclose(shortcut[base], per_run[base], atol=1e-6)


def test_ties_with_random_circuits_are_not_wins(rp):
    whole = grade(Hypothesis(RP, [Circuit(["embed", "L0H0", "L1H0"])]), puzzle=rp, n=64).claims[0]
    assert "circuit.baseline" in whole.failures and "no power" in whole.message


@pytest.mark.parametrize("checkpoint", [None, FIXTURES / "rederive_position_seed1.safetensors"])
def test_position_code_is_visible_under_the_default_ablation(checkpoint):
    puzzle = harness.load_puzzle(RP, checkpoint=checkpoint)
    assert puzzle.declaration.grading.ablation == "global_mean"
    without_l0 = grade(Hypothesis(RP, [Circuit(["embed[0:9]", "L1H0[1:10]"])]), puzzle=puzzle).claims[0]
    assert "circuit.faithfulness" in without_l0.failures
    report = grade(Path(__file__).parents[1] / "solutions" / "reference" / f"{RP}.py", puzzle=puzzle)
    assert report.solved, report.failures


def test_algorithm_claims_explain_nothing(rp):
    report = grade(Hypothesis(RP, [Circuit(CIRCUIT), Algorithm(previous_token, explains=["L0H0", "L1H0"])]), puzzle=rp,
                   n=64)
    assert report.claims[1].passed and report.claims[1].explains == []
    assert set(report.unexplained) == {"L0H0", "L1H0"} and not report.solved


def test_path_claims_explain_their_source_only_and_test_only_through(rp):
    report = grade(Hypothesis(RP, [PathClaim("L0H0", "L1H0.qk"), PathClaim("embed", "L1H0.v")]), puzzle=rp, n=64)
    good, leaky = report.claims
    assert good.passed and good.explains == ["L0H0"]
    assert leaky.details["share"] > 1 and "path.only_through" in leaky.failures  # the token also reaches q and k
    assert "cancel" in leaky.message


def test_vacuous_claims_earn_nothing_and_do_not_explain(rp):
    report = grade(Hypothesis(RP, [Scrubbing("embed", lambda t: t + 1), PathClaim("L1H0", "logits"),
                                   Interchange("embed", lambda t: t, lambda b, s: previous_token(s))]),
                   puzzle=rp, n=64)
    assert [c.verdict for c in report.claims] == ["vacuous"] * 3
    assert report.score == 0.0 and len(report.notes) == 3


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


def test_redundant_heads_are_needed_together_but_a_useless_head_is_not():
    puzzle = harness.load_puzzle("previous_token_mlp")
    rest = ["embed[1:23]", "pos_embed[2:24]", "MLP0[2:24]"]
    four = grade(Hypothesis("previous_token_mlp", [Circuit(rest + [f"L0H{h}[2:24]" for h in range(4)])]),
                 puzzle=puzzle, n=64).claims[0]
    assert "circuit.minimality" not in four.failures and four.details["redundant"] == ["L0H0", "L0H1", "L0H2", "L0H3"]
    padded = grade(Hypothesis("previous_token_mlp", [Circuit(rest + ["L0H1[2:24]", "L0H2[2:24]", "L1H3[2:24]"])]),
                   puzzle=puzzle, n=64).claims[0]
    assert padded.details["unneeded"] == ["L1H3"]


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


@pytest.mark.parametrize("name", ["bigram_0l", "rederive_position", "previous_token_mlp", "permutation_listing",
                                  "min_of_two_ints", "majority_element", "sort_fixed_len_list", "permute_lists",
                                  "modular_addition_mlp", "modular_subtraction", "opposite_adjective_toy", "induction_2l"])
@pytest.mark.parametrize("kind", ["baseline-finder-label", "baseline-finder-tautologies"])
def test_gaming_baselines_solve_nothing(name, kind):
    from harness.leaderboard.baselines import baseline_hypothesis

    puzzle = harness.load_puzzle(name)
    seed = puzzle.declaration.grading.seed
    report = grade(baseline_hypothesis(kind, puzzle, seed, None), puzzle=puzzle)
    assert not report.solved and report.score < 0.5, (report.score, report.failures)


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


@pytest.mark.parametrize("name", harness.list_puzzles())
def test_every_puzzle_declares_one_to_three_required_questions(name):
    from harness.registry import load_declaration_by_name

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


def test_a_path_cannot_name_every_input_of_a_head_to_dodge_the_question(rp):
    """L1H0 is L0H0's only reader besides the logits: ".qkv" would pass 'only through' without saying which input."""
    padded, right = grade(Hypothesis(RP, [PathClaim("L0H0", "L1H0.qkv"), PathClaim("L0H0", "L1H0.qk")]),
                          puzzle=rp, n=64).claims
    assert padded.failures == ["path.padded"] and "L1H0.v" in padded.message
    assert right.passed and set(right.details["inputs"]) == {"L1H0.q", "L1H0.k"}


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


# --- subspace claims --------------------------------------------------------------------------------------------

def _l1h0_pca(rp, k: int) -> np.ndarray:
    """The top-k principal directions of L1H0's output (its z) on a public dev sample."""
    import torch

    tokens = torch.tensor(np.asarray(rp.generate(256, rp.declaration.data.dev_seed)["tokens"]))
    _, cache = rp.model.run_with_cache(tokens)
    z = cache["blocks.1.attn.hook_z"][:, 1:, 0].reshape(-1, cache["blocks.1.attn.hook_z"].shape[-1]).numpy()
    return np.linalg.svd(z - z.mean(0), full_matrices=False)[2][:k]


def _previous_label(base, source_values):
    out = np.full(base.shape, -1)
    out[:, 1:] = source_values[:, :-1]
    return out


def test_a_subspace_that_carries_the_output_passes_and_a_random_one_of_its_size_fails(rp):
    basis = _l1h0_pca(rp, 32)
    found = Subspace("L1H0", basis, variable=lambda t: t, predict=_previous_label)
    rng = np.random.default_rng(0)
    random = Subspace("L1H0", rng.standard_normal(basis.shape))
    report = grade(Hypothesis(RP, [found, random]), puzzle=rp, n=64)
    ok, bad = report.claims
    assert ok.verdict == "pass", ok.message
    assert ok.details["excluded"] >= 0.8 and ok.details["interchange"] >= 0.9 and ok.explains == ["L1H0"]
    assert bad.verdict == "fail" and {"subspace.restricted", "subspace.baseline"} <= set(bad.failures), bad.message


def test_a_subspace_too_large_earns_nothing(rp):
    whole = grade(Hypothesis(RP, [Subspace("L1H0", np.eye(128)[:33])]), puzzle=rp, n=64).claims[0]
    assert whole.verdict == "vacuous" and whole.failures == ["subspace.size"] and whole.explains == []


def test_a_subspace_of_a_component_without_effect_earns_nothing(rp):
    # L0H0 at BOS attends only to BOS: its output there barely matters
    space_free = grade(Hypothesis(RP, [Subspace("L0H0[0]", np.eye(128)[:4])]), puzzle=rp, n=64).claims[0]
    assert space_free.verdict == "vacuous" and "subspace.untestable" in space_free.failures


def test_a_subspace_basis_is_checked(rp):
    from harness.hypothesis import HypothesisError

    for bad, words in [(np.ones(128), "[k, d]"), (np.full((2, 128), np.nan), "finite"), ("abc", "array of numbers"),
                       (np.ones((2, 64)), "64"), (np.zeros((2, 128)), "all zeros")]:
        with pytest.raises(HypothesisError, match=re.escape(words)):
            grade(Hypothesis(RP, [Subspace("L1H0", bad)]), puzzle=rp, n=16)
    with pytest.raises(HypothesisError, match="some of variable, predict"):
        grade(Hypothesis(RP, [Subspace("L1H0", np.eye(128)[:4], variable=lambda t: t)]), puzzle=rp, n=16)


def test_a_subspace_basis_travels_on_the_wire():
    from harness.wire import from_wire, to_wire

    basis = np.random.default_rng(1).standard_normal((3, 8))
    spec, functions = to_wire(Hypothesis(RP, [Subspace("L1H0", basis)]))
    back = from_wire(json.loads(json.dumps(spec)), lambda i, kind, name: functions[(i, name)]).claims[0]
    assert back.variable is None and back.predict is None
    np.testing.assert_array_equal(back.basis, basis)


def test_a_route_that_leaves_the_model_hedging_does_not_pass_as_the_only_route():
    """min_of_two_ints: with the numbers only in the head's value, attention stops choosing; cross-entropy still
    keeps most of the metric for a hedge between the candidates, top-1 answers do not, and the path fails.
    The true routes elsewhere still pass."""
    puzzle = harness.load_puzzle("min_of_two_ints")
    value_only = grade(Hypothesis("min_of_two_ints", [PathClaim("embed", "L0H0.v")]), puzzle=puzzle, n=1024).claims[0]
    assert value_only.details["by_top1"] and "path.only_through" in value_only.failures
    assert value_only.details["kept"] < 0.5
    right = grade(Hypothesis(RP, [PathClaim("L0H0", "L1H0.qk")]), puzzle=harness.load_puzzle(RP), n=128).claims[0]
    assert right.passed and right.details["by_top1"]


def test_scrubbing_the_only_varying_input_of_the_outputs_restates_the_task():
    """min_of_two_ints: at `=` the head's output is all the logits read that changes with the input, so "it
    carries min(a, b)" follows from accuracy and earns nothing; a wrong feature there still fails; a head whose
    outputs are read beside other varying inputs (rederive_position's L1H0) is judged as before."""
    puzzle = harness.load_puzzle("min_of_two_ints")
    right, wrong = grade(Hypothesis("min_of_two_ints", [Scrubbing("L0H0[2]", lambda t: t[:, :2].min(1)),
                                                        Scrubbing("L0H0[2]", lambda t: t[:, :2].max(1))]),
                         puzzle=puzzle, n=1024).claims
    assert right.verdict == "vacuous" and right.failures == ["scrubbing.output_only"] and right.explains == []
    assert wrong.verdict == "fail" and wrong.failures == ["scrubbing"]
    carrier = grade(Hypothesis(RP, [Scrubbing("L1H0[1:10]", previous_token)]), puzzle=harness.load_puzzle(RP),
                    n=128).claims[0]
    assert carrier.passed, carrier.message


def test_a_span_without_a_variable_explains_nothing(rp):
    """The top principal directions of any component pass restricted/excluded: the span alone earns no coverage."""
    basis = _l1h0_pca(rp, 32)
    report = grade(Hypothesis(RP, [Circuit(CIRCUIT), Subspace("L1H0", basis),
                                   Subspace("L1H0", basis, variable=lambda t: t, predict=lambda b, s: s)]),
                   puzzle=rp, n=64)
    bare, untestable = report.claims[1:]
    assert bare.verdict == "pass" and bare.explains == [] and "explains nothing" in bare.message
    assert untestable.explains == []  # a variable the span does not carry explains nothing either
    assert "L1H0" in report.unexplained


def test_vectorised_statistics_equal_one_resample_at_a_time():
    """The bootstrap draws all resamples at once; each statistic answers per resample exactly as it does per row set."""
    from harness.grading.attention import _excess
    from harness.grading.context import ratio
    from harness.grading.path import _least

    rng = np.random.default_rng(0)
    num, den = rng.normal(size=64), rng.normal(size=64) + 0.5
    den[:3] = 0.0
    rows = rng.integers(0, 64, (50, 64))
    rows[0] = 0  # a resample of one zero-denominator row: NaN
    vector = ratio(num, den, rows)
    assert np.array_equal(vector, np.array([ratio(num, den, r) for r in rows]), equal_nan=True) and np.isnan(vector[0])
    mass, chance, counted = rng.random(64), rng.random(64), rng.integers(0, 3, 64).astype(float)
    assert np.array_equal(_excess(mass, chance, counted, rows),
                          np.array([_excess(mass, chance, counted, r) for r in rows]), equal_nan=True)
    a, b = vector, ratio(den, num, rows)
    assert np.array_equal(_least(a, b), np.array([min(x, y) for x, y in zip(a, b)]), equal_nan=True)
