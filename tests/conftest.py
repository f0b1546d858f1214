"""Shared fixtures: copies of puzzle folders in tmp_path, edits of their puzzle.toml, checkpoints built on the spot.

Tests never write into the real puzzles/ folder. Tests that need a shipped checkpoint and do not modify the
puzzle (grading/, puzzle/test_components.py, puzzle/test_facade.py, leaderboard/test_baselines.py, benchmarks/, ...)
load it through the session-wide `shipped` fixture. Fixtures of one wing live in that folder's conftest.py
(tests/grading/: `no_model`, `rp`; tests/leaderboard/: `results`).
"""

from __future__ import annotations

import functools
import re
import shutil
import sys
from pathlib import Path

import pytest
import torch

sys.path.insert(0, str(Path(__file__).parent))  # tests/helpers.py: `from helpers import ...` in any test file

torch.set_num_threads(min(2, torch.get_num_threads()))

REPO = Path(__file__).resolve().parents[1]
PUZZLES = REPO / "puzzles"


def _set_line(folder: Path, key: str, line: str | None) -> Path:
    """Replace the one line of folder/puzzle.toml that starts with `key =` by `line` (None deletes it)."""
    path = folder / "puzzle.toml"
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(rf"^{re.escape(key)} = .*\n", re.M)
    assert len(pattern.findall(text)) == 1, f"expected exactly one `{key} = ...` line in {path}"
    path.write_text(pattern.sub("" if line is None else line.replace("\\", "\\\\") + "\n", text), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def held_out_key(monkeypatch):
    """One fixed held-out key for every test, so leaderboards built in different folders grade the same rows (a
    test of the key itself unsets it)."""
    monkeypatch.setenv("INTERP_PUZZLES_HELD_OUT_KEY", "0123456789abcdef" * 4)


@pytest.fixture
def puzzle_copy(tmp_path):
    """copy(name) -> a copy of puzzles/<name> (without checkpoints) in tmp_path, usable with root=tmp_path."""

    def copy(name: str) -> Path:
        dest = tmp_path / name
        shutil.copytree(PUZZLES / name, dest, ignore=shutil.ignore_patterns("*.safetensors", "__pycache__"))
        return dest

    return copy


@pytest.fixture
def checkpointed(puzzle_copy):
    """checkpointed(name) -> (folder, model): a puzzle copy with a fresh checkpoint whose sha256 the toml records."""
    from harness import load_declaration
    from harness.puzzle.models import build_model, save_checkpoint

    def make(name: str, seed: int = 0):
        folder = puzzle_copy(name)
        decl = load_declaration(folder / "puzzle.toml")
        model = build_model(decl, seed=seed)
        digest = save_checkpoint(model, folder / decl.checkpoint.file)
        _set_line(folder, "sha256", f'sha256 = "{digest}"')
        return folder, model

    return make


def _assert_names(exc: BaseException, path: Path, field: str | None) -> None:
    """The DeclarationError names the file and (when given) the dotted field, in its attributes and its message."""
    message = str(exc)
    assert Path(exc.path) == Path(path), message
    assert str(path) in message, message
    assert exc.field == field, message
    if field is not None:
        assert f"field `{field}`" in message, message


@pytest.fixture
def set_line():
    """set_line(folder, key, line): replace (or with None delete) the single `key = ...` line of folder/puzzle.toml."""
    return _set_line


@pytest.fixture
def assert_names():
    """assert_names(exc, path, field): the DeclarationError names that file and field."""
    return _assert_names


@functools.lru_cache(maxsize=None)
def _shipped_puzzle(name: str):
    import harness

    return harness.load_puzzle(name)


@pytest.fixture(scope="session")
def shipped():
    """shipped(name) -> the puzzle with its shipped checkpoint, loaded once per session; do not modify it."""
    return _shipped_puzzle


@functools.lru_cache(maxsize=None)
def _shipped_sample(name: str, sampled: bool = False):
    from harness.grader import prepare_sample
    from harness.grading.grader import exhaustive_n

    puzzle = _shipped_puzzle(name)
    spec = puzzle.declaration.grading
    return prepare_sample(puzzle, spec.seed, spec.n if sampled else exhaustive_n(puzzle) or spec.n)


@pytest.fixture(scope="session")
def shipped_sample():
    """shipped_sample(name) -> the grading sample of shipped(name) at its declared seed and size, prepared once per
    session (pass it with puzzle=shipped(name) to grade(); do not modify it). shipped_sample(name, sampled=True):
    `[grading] n` drawn rows even where the puzzle enumerates its inputs (pass n=sample.n to grade())."""
    return _shipped_sample
