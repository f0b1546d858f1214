"""The grader: malformed hypotheses fail before any model runs, solver bugs fail one claim, the score and
verdict are stable across grading seeds and reproducible for one seed.

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
from harness import PuzzleError
from harness.grader import grade
from harness.hypothesis import Algorithm, Attention, Circuit, Hypothesis, HypothesisError, Interchange, Scrubbing
from harness.puzzle.models import build_model, save_checkpoint
from helpers import previous_position, previous_token, reference

REPO = Path(__file__).resolve().parents[2]
TOY = ["bigram_0l", "rederive_position", "previous_token_mlp", "permutation_listing"]
STABILITY_SEEDS = [11, 44444]  # two seeds here; `make bench` grades every reference on 20 random seeds
                                # (tests/benchmarks/test_seed_stability.py)


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


# --- a. malformed hypotheses: HypothesisError before any model runs -------------------------------------
# (the static checks of names, positions and routes, one case each: tests/grading/test_validation.py)

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


def test_reference_solves_bigram(shipped):
    report = grade(reference("bigram_0l"), puzzle=shipped("bigram_0l"))
    assert report.solved, report.failures
    assert report.score == 1.0
    assert report.parts == {"claims": 1.0, "required": 1.0}  # bigram_0l declares circuit = false
    assert report.failures == [] and report.unexplained == [] and report.error is None
    assert all(c.passed and c.failures == [] for c in report.claims)
    assert (report.puzzle, report.seed, report.n, report.ablation) == ("bigram_0l", 7171, 256, "mean")
    assert all(c.ci[0] <= c.ci[1] for c in report.claims), [c.ci for c in report.claims]


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


def test_a_report_shows_as_a_table_in_a_notebook(shipped):
    hypothesis = Hypothesis("rederive_position", [Circuit(["embed[0:9]", "L0H0[1:9]", "L1H0[1:10]"], name="a|b")])
    report = harness.grade(hypothesis, puzzle=shipped("rederive_position"), n=64)
    text = report._repr_markdown_()
    assert text.count("\n| ") == 1 + len(report.claims) + (report.joint is not None)  # the header, one row each
    assert "a\\|b" in text and "NOT SOLVED" in text and report.failures[0].split(":")[0] in text


# --- the grader's own helpers ---------------------------------------------------------------------------------------

def test_a_claims_random_generator_depends_on_what_it_claims_not_on_its_functions_name_or_floats(rp):
    from harness.grading.grader import claim_content, sample_space
    from harness.hypothesis import Subspace

    space = sample_space(rp, 4242, 8)[0]
    same = (claim_content(Scrubbing("L1H0", previous_token), space),
            claim_content(Scrubbing("L1H0[0:10]", lambda t: t, name="another name"), space))
    assert same[0] == same[1] == {"kind": "scrubbing", "component": [f"L1H0[{p}]" for p in sorted(range(10), key=str)]}
    assert claim_content(Attention("L1H0", previous_position, queries=range(2, 0, -1)), space)["queries"] == [1, 2]
    a, b = (claim_content(Subspace("L1H0", np.eye(4)[rows]), space) for rows in ([0], [1]))
    assert a == b and "basis" not in a  # a basis's floats could be nudged to re-roll a near-threshold claim


def test_the_grading_sample_is_fresh_rows_drawn_from_the_seed(shipped):
    from harness.grading.grader import sample_space

    puzzle = shipped("rederive_position")
    space, tensors = sample_space(puzzle, 4242, 32)
    again = sample_space(puzzle, 4242, 32)[1]
    other = sample_space(puzzle, 4243, 32)[1]
    assert tensors["tokens"].shape == (64, 10) and space.n_ctx == 10  # graded rows, then as many sources
    assert torch.equal(tensors["tokens"], again["tokens"]) and not torch.equal(tensors["tokens"], other["tokens"])
    assert not torch.equal(tensors["tokens"][:32], tensors["tokens"][32:])


def test_renaming_or_respelling_a_claim_cannot_re_roll_its_random_draws(rp):
    """A claim's random generator follows what it claims (kind, units, targets), not its free-text name or the
    spelling of its components: a near-threshold claim cannot be pushed over by trying names."""
    def graded(name: str, circuit: list[str]) -> list[tuple]:
        report = grade(Hypothesis("rederive_position", [Circuit(circuit, name=name),
                                                        Scrubbing("L1H0", previous_token, name=name)]), puzzle=rp)
        return [(c.value, c.ci, c.details.get("random_faithfulness")) for c in report.claims]

    first = graded("a", ["embed[0:9]", "L0H0[1:9]", "L1H0[1:10]"])
    assert graded("another name entirely", ["embed[0:9]", "L0H0[1,2,3,4,5,6,7,8]", "L1H0[1:10]"]) == first
    assert graded("a", ["embed[0:9]", "L0H0[1:9]", "L1H0[2:10]"]) != first  # a different claim draws anew
