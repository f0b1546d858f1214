"""Every decoy of a puzzle graded on every input fails for its stated reason, as the leaderboard would grade it.

`pytest puzzles` grades decoys on `[grading] n` drawn rows even where the puzzle enumerates its inputs (4-15 s a
decoy saved on the modular puzzles); `make bench` grades them here on every input, so a decoy that fails on a
sample but would solve on all inputs is still caught.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import harness
from harness.errors import SubmissionError
from harness.grading import grade
from harness.hypothesis import module_attribute
from harness.puzzle.registry import load_declaration_by_name

REPO = Path(__file__).resolve().parents[2]
EXHAUSTIVE = [name for name in harness.list_puzzles() if load_declaration_by_name(name).data.inputs]
DECOYS = sorted(d for name in EXHAUSTIVE for d in (REPO / "puzzles" / name / "decoys").glob("*.py"))


@pytest.mark.parametrize("path", DECOYS, ids=lambda p: f"{p.parent.parent.name}/{p.stem}")
def test_decoys_fail_on_every_input(benchmark, path):
    if benchmark.disabled:
        pytest.skip("graded on every input by `make bench` only")
    name = path.parent.parent.name
    expected = module_attribute(path, "EXPECTED_FAILURES")
    puzzle = harness.load_puzzle(name)
    failed: set[str] = set()

    def grade_it() -> None:
        try:
            report = grade(path, puzzle=puzzle)
        except SubmissionError:
            failed.add("isolation")
            return
        assert report.exhaustive and not report.solved, f"{path.name} solves {name} on every input"
        failed.update(report.failed_checks)

    benchmark.pedantic(grade_it, rounds=1, iterations=1)
    missing = [e for e in expected if e not in failed]
    assert not missing, f"{path.name} did not fail {missing} on every input; it failed {sorted(failed)}"
