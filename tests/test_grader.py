"""The grader: malformed hypotheses fail before any model runs, solver bugs fail one claim, the score and
verdict are stable across grading seeds and reproducible for one seed, and the CLI maps verdicts to exit codes.

Grading uses the shipped checkpoints (loaded once per session by the `shipped` fixture).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import torch

import harness
import harness.grader
import harness.grading.sample
from harness import PuzzleError
from harness.cli import main
from harness.components import Component
from harness.grader import grade
from harness.hypothesis import (Algorithm, Attention, Circuit, Hypothesis, HypothesisError, Interchange, PathClaim,
                                Scrubbing)
from harness.grading.edits import Replace
from harness.grading.sample import Sample, other_rows
from harness.models import build_model, save_checkpoint

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO / "solutions" / "reference"
TOY = ["bigram_0l", "rederive_position", "previous_token_mlp", "permutation_listing"]
STABILITY_SEEDS = [11, 222, 3333, 44444, 555555]


def reference(name: str) -> Path:
    return REFERENCE / f"{name}.py"


# rederive_position: 10 positions, L1H0 copies the previous token
def previous_token(tokens: np.ndarray) -> np.ndarray:
    out = np.full(tokens.shape, -1)
    out[:, 1:] = tokens[:, :-1]
    return out


def previous_position(tokens: np.ndarray) -> np.ndarray:
    """Key q-1 for query q (-1 at position 0)."""
    return np.broadcast_to(np.arange(tokens.shape[1]) - 1, tokens.shape).copy()


def previous_or_self(tokens: np.ndarray) -> np.ndarray:
    """Bool [batch, query, key]: keys q-1 and q (what L1H0 of rederive_position attends to)."""
    n_ctx = tokens.shape[1]
    keys = np.eye(n_ctx, dtype=bool) | np.eye(n_ctx, k=-1, dtype=bool)
    return np.broadcast_to(keys, (len(tokens), n_ctx, n_ctx)).copy()


def copy_source(base: np.ndarray, source_values: np.ndarray) -> np.ndarray:
    return source_values


def strict_json(text: str):
    """json.loads that refuses NaN and Infinity, which are not JSON."""
    def refuse(name):
        raise ValueError(f"{name} in JSON output")
    return json.loads(text, parse_constant=refuse)


def without_seconds(report) -> dict:
    out = report.to_dict()
    out.pop("seconds")
    return out


@pytest.fixture
def no_model(monkeypatch):
    """Any attempt to run a model through the grader's Sample fails the test with an AssertionError."""
    def refuse(self, *args, **kwargs):
        raise AssertionError("the model ran before the hypothesis was rejected")
    monkeypatch.setattr(harness.grading.sample.Sample, "__init__", refuse)


# --- a. malformed hypotheses: HypothesisError before any model runs -------------------------------------

BAD_REDERIVE = {
    "wrong puzzle": (Hypothesis(puzzle="bigram_0l", claims=[Circuit(["embed"])]), ["'bigram_0l'", "'rederive_position'"]),
    "unknown head": (Hypothesis(puzzle="rederive_position", claims=[Circuit(["embed", "L0H0"]), Scrubbing("L2H0", previous_token)]),
                     ["'L2H0'", "does not exist"]),
    "unknown head index": (Hypothesis(puzzle="rederive_position", claims=[Circuit(["embed", "L0H1"])]), ["'L0H1'"]),
    "MLP on attention-only model": (Hypothesis(puzzle="rederive_position", claims=[
        Circuit(["embed"]), Algorithm(previous_token, explains=["MLP0"])]), ["'MLP0'"]),
    "interchange component": (Hypothesis(puzzle="rederive_position", claims=[
        Interchange("L1H1", previous_token, copy_source)]), ["'L1H1'"]),
    "positions out of range": (Hypothesis(puzzle="rederive_position", claims=[Circuit(["embed", "L1H0[12]"])]),
                               ["'L1H0[12]'", "0..9"]),
    "attention queries out of range": (Hypothesis(puzzle="rederive_position", claims=[
        Circuit(["embed"]), Attention("L1H0", previous_position, queries=[1, 2, 10])]), ["Attention claim 1", "[10]"]),
    "negative attention query": (Hypothesis(puzzle="rederive_position", claims=[
        Attention("L1H0", previous_position, queries=[-1, 3])]), ["[-1]"]),
    "attention on an unknown head": (Hypothesis(puzzle="rederive_position", claims=[Attention("L2H0", previous_position)]),
                                     ["'L2H0'"]),
    "path target upstream": (Hypothesis(puzzle="rederive_position", claims=[
        Circuit(["embed"]), PathClaim("L1H0", "L0H0.k")]), ["Path claim 1", "not downstream"]),
    "path into its own layer": (Hypothesis(puzzle="rederive_position", claims=[PathClaim("L1H0", "L1H0.v")]),
                                ["not downstream"]),
    "path target without input": (Hypothesis(puzzle="rederive_position", claims=[PathClaim("L0H0", "L1H0")]),
                                  ["'L1H0'", "L1H0.q"]),
    "path target unknown": (Hypothesis(puzzle="rederive_position", claims=[PathClaim("embed", "L3H0.v")]), ["'L3H0.v'"]),
    "path source with input": (Hypothesis(puzzle="rederive_position", claims=[PathClaim("L0H0.q", "L1H0.k")]),
                               ["'L0H0.q'"]),
}


@pytest.mark.parametrize("case", list(BAD_REDERIVE))
def test_malformed_hypothesis_fails_before_the_model_runs(no_model, shipped, case):
    hypothesis, says = BAD_REDERIVE[case]
    with pytest.raises(HypothesisError) as exc:
        grade(hypothesis, puzzle=shipped("rederive_position"))
    for text in says:
        assert text in str(exc.value), str(exc.value)


def test_unknown_puzzle_name(no_model):
    with pytest.raises(HypothesisError) as exc:
        grade(Hypothesis(puzzle="nope", claims=[Circuit(["embed"])]))
    assert "'nope'" in str(exc.value) and "bigram_0l" in str(exc.value)  # names it and lists the known ones


def test_unloadable_file_fails_before_the_model_runs(no_model, tmp_path):
    with pytest.raises(HypothesisError, match="no such hypothesis file"):
        grade(tmp_path / "missing.py")
    path = tmp_path / "bad.py"
    path.write_text("from harness.hypothesis import *\nhypothesis = Hypothesis(puzzle='bigram_0l', claims=[Circuit(['L0H0'])])\n")
    with pytest.raises(HypothesisError, match="'L0H0'"):
        grade(path)


@pytest.mark.parametrize("case", ["empty circuit", "attention on an embedding", "attention on an MLP", "not a claim",
                                  "non-callable rule"])
def test_static_mistakes_outside_load_hypothesis_fail_before_the_model_runs(no_model, shipped, case):
    """Mistakes that need no model to find are found without one, also for a Hypothesis built in code
    (which load_hypothesis never saw)."""
    claims = {"empty circuit": [Circuit([])],
              "attention on an embedding": [Attention("embed", previous_position)],
              "attention on an MLP": [Attention("MLP1", previous_position)],
              "not a claim": [Circuit(["embed"]), "L1H0"],
              "non-callable rule": [Attention("L1H0", 3)]}[case]
    puzzle = "previous_token_mlp" if case == "attention on an MLP" else "rederive_position"
    with pytest.raises(HypothesisError):
        grade(Hypothesis(puzzle=puzzle, claims=claims), puzzle=shipped(puzzle))


@pytest.mark.parametrize("kwargs, says", [
    (dict(ablation="median"), ["'median'", "mean", "resample", "zero"]),
    (dict(seed=0), ["seed 0", "[1, 999999]"]),
    (dict(seed=1_000_000), ["seed 1000000"]),
])
def test_bad_ablation_or_seed_fails_before_the_model_runs(no_model, shipped, kwargs, says):
    with pytest.raises(HypothesisError) as exc:
        grade(reference("bigram_0l"), puzzle=shipped("bigram_0l"), **kwargs)
    for text in says:
        assert text in str(exc.value), str(exc.value)


# --- b. a solver function that raises fails its claim only ------------------------------------------------

def _raise(*args):
    raise ValueError("solver bug 42")


RAISING = {
    "attention": Attention("L1H0", _raise, queries=range(1, 10)),
    "algorithm": Algorithm(_raise),
    "scrubbing": Scrubbing("L1H0", _raise),
    "interchange": Interchange("L1H0", _raise, copy_source),
}
PASSING = [Attention("L1H0", previous_or_self, queries=range(1, 10), name="previous position or self"),
           Algorithm(previous_token, name="previous token")]


@pytest.mark.parametrize("kind", list(RAISING))
def test_raising_solver_function_fails_only_its_claim(shipped, kind):
    hypothesis = Hypothesis(puzzle="rederive_position", claims=[PASSING[0], RAISING[kind], PASSING[1]])
    report = grade(hypothesis, puzzle=shipped("rederive_position"))
    failed = report.claims[1]
    assert (failed.index, failed.kind, failed.passed) == (1, kind, False)
    assert failed.failures == [f"{kind}.error"]
    assert "ValueError" in failed.message and "solver bug 42" in failed.message, failed.message
    assert math.isnan(failed.value)
    assert [c.passed for c in (report.claims[0], report.claims[2])] == [True, True], report.claims
    assert not report.solved and report.score < 1
    assert any("Claim 1" in f and "solver bug 42" in f for f in report.failures), report.failures
    data = strict_json(json.dumps(report.to_dict()))  # NaN becomes null
    assert data["claims"][1]["value"] is None


def test_solver_function_returning_the_wrong_shape_is_a_hypothesis_error(shipped):
    hypothesis = Hypothesis(puzzle="rederive_position", claims=[Attention("L1H0", lambda tokens: tokens[:, :3])])
    with pytest.raises(HypothesisError, match="Attention claim 0 rule returned an array of shape"):
        grade(hypothesis, puzzle=shipped("rederive_position"))


# --- c. score and verdict ---------------------------------------------------------------------------------

def test_no_claims_scores_zero(shipped):
    report = grade(Hypothesis(puzzle="bigram_0l", claims=[]), puzzle=shipped("bigram_0l"))
    assert not report.solved
    assert report.score == 0.0, report.parts
    assert report.claims == []
    report = grade(Hypothesis(puzzle="rederive_position", claims=[]), puzzle=shipped("rederive_position"))
    assert report.score == 0.0, report.parts
    assert any("no circuit claim" in f.lower() for f in report.failures), report.failures


def test_reference_solves_bigram(shipped):
    report = grade(reference("bigram_0l"), puzzle=shipped("bigram_0l"))
    assert report.solved, report.failures
    assert report.score == 1.0
    assert report.parts == {"claims": 1.0, "required": 1.0}  # bigram_0l declares circuit = false
    assert report.failures == [] and report.unexplained == [] and report.error is None
    assert all(c.passed and c.failures == [] for c in report.claims)
    assert (report.puzzle, report.seed, report.n, report.ablation) == ("bigram_0l", 7171, 256, "mean")
    assert all(c.ci[0] <= c.ci[1] for c in report.claims), [c.ci for c in report.claims]


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


# --- d. stability across grading seeds ---------------------------------------------------------------------

@pytest.mark.parametrize("name", TOY + ["majority_element", "sort_fixed_len_list", "permute_lists"])
def test_reference_verdict_is_stable_across_seeds(shipped, name):
    puzzle = shipped(name)
    reports = {seed: grade(reference(name), puzzle=puzzle, seed=seed) for seed in STABILITY_SEEDS}
    verdicts = {seed: [(c.index, c.kind, c.name, c.passed) for c in r.claims] for seed, r in reports.items()}
    first = verdicts[STABILITY_SEEDS[0]]
    for seed, report in reports.items():
        assert report.seed == seed and report.n == puzzle.declaration.grading.n
        assert report.solved, f"{name} seed {seed}: {report.failures}"
        assert verdicts[seed] == first, f"{name}: claim verdicts differ between seeds {STABILITY_SEEDS[0]} and {seed}"
    scores = [r.score for r in reports.values()]
    assert max(scores) - min(scores) <= 0.02, scores
    values = {tuple(c.value for c in r.claims) for r in reports.values()}
    assert len(values) == len(STABILITY_SEEDS), "two seeds gave identical claim values: is the seed used at all?"


# --- e. reproducibility ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name, kwargs", [("bigram_0l", {}), ("rederive_position", dict(n=64, ablation="resample", seed=99))])
def test_same_seed_gives_the_same_report(shipped, monkeypatch, name, kwargs):
    puzzle = shipped(name)
    first = without_seconds(grade(reference(name), puzzle=puzzle, **kwargs))
    sample = harness.grading.prepare_sample(puzzle, first["seed"], first["n"])
    again_cached = without_seconds(grade(reference(name), puzzle=puzzle, sample=sample, **kwargs))
    again_fresh = without_seconds(grade(reference(name), puzzle=puzzle, **kwargs))
    assert first == again_cached
    assert first == again_fresh


def test_different_seeds_grade_different_samples(shipped):
    puzzle = shipped("rederive_position")
    a = grade(reference("rederive_position"), puzzle=puzzle, n=64, seed=5)
    b = grade(reference("rederive_position"), puzzle=puzzle, n=64, seed=6)
    # faithfulness under mean ablation and the path values depend on the sample alone (no random draws)
    for kind in ("circuit", "path"):
        assert [c.value for c in a.claims if c.kind == kind] != [c.value for c in b.claims if c.kind == kind], kind


# --- f. --checkpoint ----------------------------------------------------------------------------------------

def test_reference_does_not_solve_a_random_checkpoint(tmp_path, shipped):
    decl = shipped("rederive_position").declaration
    path = tmp_path / "random.safetensors"
    save_checkpoint(build_model(decl, seed=3), path)
    report = grade(reference("rederive_position"), checkpoint=path, n=64)
    assert not report.solved and report.score < 1.0
    assert not all(c.passed for c in report.claims)


def test_weights_only_state_dict_checkpoint(tmp_path, shipped):
    path = tmp_path / "weights.pt"
    torch.save(shipped("bigram_0l").model.state_dict(), path)
    report = grade(reference("bigram_0l"), checkpoint=path)
    assert report.solved, report.failures


def test_checkpoint_of_another_architecture_is_a_puzzle_error(tmp_path, shipped):
    path = tmp_path / "bigram.pt"
    torch.save(shipped("bigram_0l").model.state_dict(), path)
    with pytest.raises(PuzzleError, match="does not fit the checkpoint"):
        grade(reference("rederive_position"), checkpoint=path)


# --- g. ablation choice ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("ablation", harness.grading.ABLATIONS)
def test_ablation_choice(shipped, ablation):
    report = grade(reference("rederive_position"), puzzle=shipped("rederive_position"), ablation=ablation, n=64)
    assert report.ablation == ablation
    circuit = next(c for c in report.claims if c.kind == "circuit")
    assert circuit.ablation == ablation
    by_ablation = circuit.details["faithfulness_by_ablation"]
    assert set(by_ablation) == set(harness.grading.ABLATIONS)
    assert circuit.value == pytest.approx(by_ablation[ablation])


# --- h. the command line ------------------------------------------------------------------------------------

def _unknown_component_file(tmp_path) -> Path:
    path = tmp_path / "unknown_component.py"
    path.write_text("from harness.hypothesis import *\n"
                    "hypothesis = Hypothesis(puzzle='bigram_0l', claims=[Circuit(['embed', 'L0H0'])])\n")
    return path


@pytest.mark.parametrize("which, code", [("reference", 0), ("decoy", 1), ("unknown component", 2)])
def test_cli_grade_exit_codes(tmp_path, capsys, which, code):
    path = {"reference": reference("bigram_0l"), "decoy": REPO / "puzzles" / "bigram_0l" / "decoys" / "unigram.py",
            "unknown component": _unknown_component_file(tmp_path)}[which]
    assert main(["grade", str(path)]) == code
    captured = capsys.readouterr()
    if code == 2:
        assert captured.err.startswith("error: ") and "'L0H0'" in captured.err, captured.err
        assert captured.out == ""
    else:
        assert ("NOT SOLVED" in captured.out) == (code == 1), captured.out
        assert "SOLVED" in captured.out and "bigram_0l" in captured.out


@pytest.mark.parametrize("which, code", [("reference", 0), ("decoy", 1), ("unknown component", 2)])
def test_cli_grade_json(tmp_path, capsys, which, code):
    path = {"reference": reference("bigram_0l"), "decoy": REPO / "puzzles" / "bigram_0l" / "decoys" / "unigram.py",
            "unknown component": _unknown_component_file(tmp_path)}[which]
    assert main(["grade", str(path), "--json", "--seed", "7171"]) == code
    data = strict_json(capsys.readouterr().out)
    assert {"puzzle", "solved", "score", "seed", "claims", "error"} <= set(data)
    assert data["seed"] == 7171
    if code == 2:
        assert data["solved"] is False and data["claims"] == []
        assert isinstance(data["error"], str) and "'L0H0'" in data["error"]
        return
    assert data["error"] is None and data["puzzle"] == "bigram_0l"
    assert data["solved"] is (code == 0)
    if code == 0:
        assert data["score"] == 1.0
    else:
        assert 0.0 <= data["score"] < 1.0
    assert [c["kind"] for c in data["claims"]] == (["algorithm"] if code == 0 else ["circuit", "algorithm"])
    for c in data["claims"]:
        assert {"kind", "passed", "value", "threshold"} <= set(c)
        assert isinstance(c["passed"], bool) and isinstance(c["value"], float) and isinstance(c["threshold"], float)
    assert all(c["passed"] for c in data["claims"]) is (code == 0)


def test_cli_grade_bad_seed_and_checkpoint(tmp_path, capsys):
    assert main(["grade", str(reference("bigram_0l")), "--seed", "0"]) == 2
    assert "seed 0" in capsys.readouterr().err
    assert main(["grade", str(reference("bigram_0l")), "--checkpoint", str(tmp_path / "missing.safetensors")]) == 2
    assert "missing.safetensors" in capsys.readouterr().err


# --- i. batched interventions -------------------------------------------------------------------------------

def test_intervener_batching_does_not_change_results(shipped, monkeypatch):
    puzzle = shipped("previous_token_mlp")
    tokens = puzzle.tensors(puzzle.generate(12, 123))["tokens"]
    batch, n_ctx = tokens.shape
    comps = [Component("embed"), Component("pos_embed"), Component("head", 0, 1), Component("head", 1, 3),
             Component("mlp", 0), Component("mlp", 1)]
    hooks = {c.hook for c in comps}
    inter = Sample(puzzle.model, tokens, hooks)
    gen = torch.Generator().manual_seed(0)
    variants: list[list[Replace]] = [[]]  # the first variant edits nothing
    for i in range(16):
        edits = []
        for j, comp in enumerate(comps):
            if (i + j) % 3 == 0:
                continue
            ablation = ("zero", "mean", "resample", "global_mean", "global_resample")[(i * 7 + j) % 5]
            mask = torch.rand(n_ctx, generator=gen) < 0.5 if i % 2 else torch.rand(batch, n_ctx, generator=gen) < 0.5
            edits.append(Replace(comp, mask, inter.ablated(comp, ablation, gen)))
        variants.append(edits)

    def run(max_tokens):
        monkeypatch.setattr(harness.grading.sample, "MAX_TOKENS_PER_PASS", max_tokens)
        return inter.run(variants, lambda logits: logits.clone())

    one_pass = run(10 ** 9)
    several = run(batch * n_ctx * 3)  # three variants per pass, the last pass partial
    one_each = run(1)
    assert len(one_pass) == len(several) == len(one_each) == len(variants)
    torch.testing.assert_close(one_pass[0], inter.clean_logits, rtol=1e-5, atol=1e-5)
    for v, (a, b, c) in enumerate(zip(one_pass, several, one_each)):
        torch.testing.assert_close(b, c, rtol=1e-5, atol=1e-5, msg=f"variant {v}")
        torch.testing.assert_close(a, c, rtol=1e-5, atol=1e-5, msg=f"variant {v}")
    # the edits matter, and differ between variants (else this test could not fail)
    assert all(not torch.allclose(one_each[v], one_each[0], atol=1e-3) for v in range(1, len(variants)))
    assert not torch.allclose(one_each[1], one_each[2], atol=1e-3)


# --- exhaustive puzzles: every input, not a sample ------------------------------------------------------------

def test_a_puzzle_that_enumerates_its_inputs_is_evaluated_and_graded_on_all_of_them(puzzle_copy, set_line, tmp_path):
    import shutil

    folder = puzzle_copy("rederive_position")
    shutil.copy(REPO / "puzzles" / "rederive_position" / "model.safetensors", folder)
    with open(folder / "data.py", "a", encoding="utf-8") as handle:  # a stand-in universe of 300 fixed inputs
        handle.write("\n\ndef all_inputs():\n    return generate(300, 123)\n")
    set_line(folder, "train_seed", 'train_seed = 1000000\ninputs = "data.py:all_inputs"')
    puzzle = harness.load_puzzle("rederive_position", root=tmp_path)
    assert puzzle.exhaustive and len(puzzle.inputs) == 300
    result = puzzle.evaluate()
    assert result["exhaustive"] and result["n"] == 300 and result["seed"] is None
    every = puzzle.tensors(puzzle.inputs)
    wrong = (puzzle.logits(every["tokens"]).argmax(-1)[:, 1:] != every["targets"][:, 1:]).any(1)
    assert result["wrong_inputs"] == int(wrong.sum())
    assert puzzle.evaluate(n=50, seed=5)["n"] == 50 and "exhaustive" not in puzzle.evaluate(n=50, seed=5)
    report = grade(Hypothesis("rederive_position", [Circuit(["embed[0:9]", "L0H0[1:9]", "L1H0[1:10]"])]), puzzle=puzzle)
    assert report.exhaustive and report.n == 300
    space, tensors = harness.grading.grader.sample_space(puzzle, 4242, 300)
    graded, sources = tensors["tokens"][:300], tensors["tokens"][300:]
    every_input = sorted(map(tuple, puzzle.tensors(puzzle.inputs)["tokens"].tolist()))
    assert sorted(map(tuple, graded.tolist())) == every_input == sorted(map(tuple, sources.tolist()))
    assert not torch.equal(graded, sources) and not torch.equal(graded, puzzle.tensors(puzzle.inputs)["tokens"])
    sampled = grade(Hypothesis("rederive_position", [Circuit(["embed[0:9]", "L0H0[1:9]", "L1H0[1:10]"])]),
                    puzzle=puzzle, n=64)
    assert not sampled.exhaustive and sampled.n == 64


def test_wrong_inputs_counts_rows_with_any_wrong_task_position(shipped):
    from harness.puzzle import wrong_inputs

    task = shipped("rederive_position").declaration.task  # task positions 1..9
    targets = torch.zeros(4, 10, dtype=torch.long)
    logits = torch.zeros(4, 10, 3)
    logits[..., 0] = 1.0  # right everywhere ...
    logits[1, 5] = torch.tensor([0.0, 2.0, 0.0])  # ... but row 1 at a task position
    logits[2, 0] = torch.tensor([0.0, 2.0, 0.0])  # and row 2 at position 0, which the task does not count
    assert wrong_inputs(task, logits, {"tokens": targets, "targets": targets}) == 1


def test_a_report_shows_as_a_table_in_a_notebook(shipped):
    hypothesis = Hypothesis("rederive_position", [Circuit(["embed[0:9]", "L0H0[1:9]", "L1H0[1:10]"], name="a|b")])
    report = harness.grade(hypothesis, puzzle=shipped("rederive_position"), n=64)
    text = report._repr_markdown_()
    assert text.count("\n| ") == 1 + len(report.claims) + (report.joint is not None)  # the header, one row each
    assert "a\\|b" in text and "NOT SOLVED" in text and report.failures[0].split(":")[0] in text
