"""End-to-end checks of every puzzle: `pytest puzzles`.

Per puzzle: the declaration and checkpoint are intact, and the checkpoint reaches its declared
performance on a fresh evaluation seed (random per run, printed on failure; fix it with
PUZZLE_TEST_SEED=N to reproduce).
"""

import os
import random
import subprocess
import sys

import pytest
import torch

import harness
from harness.puzzle.models import pretrained_available, read_state_dict, sha256_file
from harness.puzzle import load_declaration_by_name
from harness.puzzle.training import frozen_parameters

PUZZLES = harness.list_puzzles()
MAX_TOY_CHECKPOINT_BYTES = 2 * 1024 * 1024


def fresh_seed(decl) -> int:
    lo, hi = decl.data.eval_seeds
    return int(os.environ.get("PUZZLE_TEST_SEED", random.randint(lo + 1000, hi)))


@pytest.mark.parametrize("name", PUZZLES)
def test_declaration_and_checkpoint(name):
    decl = load_declaration_by_name(name)
    assert (decl.folder / "README.md").is_file(), f"{name} has no README.md problem statement"
    if decl.checkpoint is None:
        assert decl.model.kind == "pretrained"
        return
    path = decl.folder / decl.checkpoint.file
    assert sha256_file(path) == decl.checkpoint.sha256, f"{path} does not match checkpoint.sha256 in {decl.path}"
    assert path.stat().st_size <= MAX_TOY_CHECKPOINT_BYTES, f"{path} is larger than 2 MiB"
    model = harness.load_puzzle(name).model
    state = read_state_dict(path)
    for key in frozen_parameters(model, decl.training.frozen_at_zero):
        assert torch.count_nonzero(state[key]) == 0, f"{key} should be frozen at zero in {path}"


def test_data_modules_import_without_torch_or_datasets():
    """A grading worker imports a puzzle's public data for the hypothesis: it must not pull in torch or datasets
    (about 2 s per job; the harness turns plain columns into tensors and Datasets itself)."""
    code = ("import sys; from harness.hypothesis import puzzle_data\n"
            f"for name in {PUZZLES!r}:\n"
            "    puzzle_data(name)\n"
            "    heavy = [m for m in ('torch', 'datasets', 'transformer_lens') if m in sys.modules]\n"
            "    assert not heavy, f'importing the data module of {name} imports {heavy}'\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]


@pytest.mark.parametrize("name", PUZZLES)
def test_task_performance(name):
    decl = load_declaration_by_name(name)
    if decl.model.kind == "pretrained" and not pretrained_available(decl.model.hf_name):
        pytest.skip(f"{decl.model.hf_name} weights are not in the local Hugging Face cache")
    seed = fresh_seed(decl)
    result = harness.load_puzzle(name).evaluate(seed=seed)
    perf = decl.performance
    where = f"{name} on eval seed {seed}"
    assert result["accuracy"] >= perf.min_accuracy, f"{where}: accuracy {result['accuracy']:.4f} < {perf.min_accuracy}"
    if perf.max_loss is not None:
        assert result["loss"] <= perf.max_loss, f"{where}: loss {result['loss']:.4f} > {perf.max_loss}"
    if perf.max_kl is not None:
        assert result["kl"] <= perf.max_kl, f"{where}: KL {result['kl']:.4f} > {perf.max_kl}"
    if perf.min_logit_diff is not None:
        assert result["logit_diff"] >= perf.min_logit_diff, f"{where}: logit diff {result['logit_diff']:.3f} < {perf.min_logit_diff}"


# --- grading: the reference solves, every decoy fails for its stated reason -----------------------

from pathlib import Path  # noqa: E402

from harness.errors import SubmissionError  # noqa: E402
from harness.grader import grade  # noqa: E402
from harness.hypothesis import load_hypothesis, module_attribute  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
REFERENCES = sorted((REPO / "solutions" / "reference").glob("*.py"))
DECOYS = sorted(Path(__file__).parent.glob("*/decoys/*.py"))
VARIANTS = sorted(Path(__file__).parent.glob("*/variants/*.py"))  # true mechanisms phrased otherwise: each must solve


def _needs_weights(name: str) -> None:
    decl = load_declaration_by_name(name)
    if decl.model.kind == "pretrained" and not pretrained_available(decl.model.hf_name):
        pytest.skip(f"{decl.model.hf_name} weights are not in the local Hugging Face cache")


@pytest.mark.parametrize("path", REFERENCES, ids=lambda p: f"{p.stem}/reference")
def test_reference_solves(path, load, sample):
    name = load_hypothesis(path).puzzle
    _needs_weights(name)
    drawn = sample(name, sampled=True)  # every input only in `make bench` (conftest.py), on 20 seeds
    report = grade(path, puzzle=load(name), sample=drawn, n=drawn.n)
    assert report.solved, "\n".join(report.failures)
    assert report.score == 1.0


@pytest.mark.parametrize("path", VARIANTS, ids=lambda p: f"{p.parent.parent.name}/variants/{p.name}")
def test_true_variant_solves(path, load, sample):
    name = path.parent.parent.name
    report = grade(path, puzzle=load(name), sample=sample(name))
    assert report.solved, "\n".join(report.failures)


@pytest.mark.parametrize("path", DECOYS, ids=lambda p: f"{p.parent.parent.name}/decoys/{p.name}")
def test_decoy_fails(path, load, sample):
    name = path.parent.parent.name
    _needs_weights(name)
    expected = module_attribute(path, "EXPECTED_FAILURES")
    assert expected, f"{path} must list EXPECTED_FAILURES: the checks it is written to fail"
    try:
        drawn = sample(name, sampled=True)  # [grading] n rows even where grade() takes every input (conftest.py)
        report = grade(path, puzzle=load(name), sample=drawn, n=drawn.n)
    except SubmissionError as exc:  # the worker refused what the module does on import (e.g. import torch)
        assert exc.reason == "import" and "not allowed in the grading worker" in str(exc), str(exc)
        failed = {"isolation"}
    else:
        assert not report.solved, f"decoy {path.name} solved {name}: its thresholds or the decoy are wrong"
        failed = report.failed_checks
    missing = [e for e in expected if e not in failed]
    assert not missing, f"{path.name} did not fail {missing} as its docstring says; it failed {sorted(failed)}"
