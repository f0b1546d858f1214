"""The `interp-puzzles` command line: show, train, evaluate and grade, and errors as exit code 2."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pytest

import harness
from harness import load_declaration
from harness.cli import main
from harness.puzzle.models import build_model, save_checkpoint
from harness.puzzle import puzzles_dir
from helpers import reference


@pytest.mark.parametrize("name", harness.list_puzzles())
def test_show_prints_statement_and_declaration(name, capsys):
    assert main(["show", name]) == 0
    out = capsys.readouterr().out
    decl = load_declaration(puzzles_dir() / name / "puzzle.toml")
    readme = decl.folder / "README.md"
    assert (readme.read_text(encoding="utf-8") if readme.is_file() else decl.summary) in out
    assert decl.path.read_text(encoding="utf-8") in out


def test_show_unknown_puzzle_fails_with_its_name(capsys):
    assert main(["show", "nope"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: ") and "'nope'" in captured.err and "bigram_0l" in captured.err


def test_train_writes_checkpoint_and_prints_sha256(tmp_path, capsys):
    out_file = tmp_path / "m.safetensors"
    assert main(["train", "bigram_0l", "--steps", "5", "--out", str(out_file)]) == 0
    out = capsys.readouterr().out
    printed = re.search(r"wrote (.+)  sha256 ([0-9a-f]{64})", out)
    assert printed and printed.group(1) == str(out_file)
    assert printed.group(2) == hashlib.sha256(out_file.read_bytes()).hexdigest()
    assert "5 steps" in out


def test_train_pretrained_puzzle_is_an_error(capsys):
    assert main(["train", "opposite_adjective_gpt2", "--steps", "1"]) == 2
    assert "no training recipe" in capsys.readouterr().err


def test_evaluate_a_given_checkpoint(tmp_path, capsys):
    decl = load_declaration(puzzles_dir() / "bigram_0l" / "puzzle.toml")
    path = tmp_path / "mine.safetensors"
    save_checkpoint(build_model(decl, seed=0), path)
    assert main(["evaluate", "bigram_0l", "--checkpoint", str(path), "--n", "64", "--seed", "5", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["puzzle"], result["n"], result["seed"]) == ("bigram_0l", 64, 5)
    assert 0.0 <= result["accuracy"] <= 1.0 and result["kl"] > 0


def test_evaluate_missing_checkpoint_is_an_error(tmp_path, capsys):
    assert main(["evaluate", "bigram_0l", "--checkpoint", str(tmp_path / "none.safetensors")]) == 2
    assert "checkpoint.file" in capsys.readouterr().err


def test_evaluate_refuses_training_seeds(tmp_path, capsys):
    decl = load_declaration(puzzles_dir() / "bigram_0l" / "puzzle.toml")
    path = tmp_path / "mine.safetensors"
    save_checkpoint(build_model(decl, seed=0), path)
    seed = str(decl.data.train_seed)
    assert main(["evaluate", "bigram_0l", "--checkpoint", str(path), "--n", "8", "--seed", seed]) == 2
    assert "training range" in capsys.readouterr().err


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0 and capsys.readouterr().out.strip() == f"interp-puzzles {harness.__version__}"


def test_list_prints_declared_facts_without_loading_a_model(capsys, monkeypatch):
    import harness.cli

    monkeypatch.setattr(harness.cli, "load_puzzle", lambda *a, **k: pytest.fail("list loaded a model"))
    assert main(["list", "--json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert set(rows) == set(harness.list_puzzles())
    assert rows["permute_lists"]["layers"] == 2 and rows["min_of_two_ints"]["exhaustive"] is True
    assert all(r["accuracy"] is None and r["summary"] for r in rows.values())


def test_list_measure_reports_accuracy_and_wrong_inputs(capsys):
    assert main(["list", "--measure", "--json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["min_of_two_ints"]["inputs"] == 40_000 and rows["min_of_two_ints"]["wrong_inputs"] == 37
    assert all(r["accuracy"] >= 0.99 for name, r in rows.items() if r["model"] != "pretrained")


def test_train_without_out_writes_under_the_checkouts_runs_folder(tmp_path, monkeypatch, capsys):
    import harness.cli

    checkout, elsewhere = tmp_path / "checkout", tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.setattr(harness.cli, "REPO_ROOT", checkout)
    monkeypatch.chdir(elsewhere)
    assert main(["train", "bigram_0l", "--steps", "2"]) == 0
    assert (checkout / "runs" / "bigram_0l" / "seed0.safetensors").is_file()
    assert not any(elsewhere.iterdir())


# --- grade: verdicts as exit codes, --json ------------------------------------------------------------------------

REPO = Path(__file__).resolve().parents[1]


def strict_json(text: str):
    """json.loads that refuses NaN and Infinity, which are not JSON."""
    def refuse(name):
        raise ValueError(f"{name} in JSON output")
    return json.loads(text, parse_constant=refuse)


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


def test_cli_leaderboard_uses_every_usable_core_unless_told_and_refuses_a_bad_count(tmp_path, capsys, monkeypatch):
    from harness.cli import build_parser, usable_cores

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    assert usable_cores() == 3
    assert build_parser().parse_args(["leaderboard"]).jobs == 3
    assert build_parser().parse_args(["leaderboard", "--jobs", "1"]).jobs == 1
    assert main(["leaderboard", "--jobs", "0", "--out", str(tmp_path / "board")]) == 2
    assert "--jobs must be at least 1, not 0" in capsys.readouterr().err
    monkeypatch.setenv("INTERP_PUZZLES_THREADS", "many")
    assert main(["leaderboard", "--out", str(tmp_path / "board")]) == 2
    assert "INTERP_PUZZLES_THREADS is 'many'" in capsys.readouterr().err
    assert not (tmp_path / "board" / "results").exists()
