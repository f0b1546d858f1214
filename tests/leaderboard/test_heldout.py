"""The leaderboard's held-out grading sample (harness/leaderboard/heldout.py): a seed derived from a key the
repository does not hold, named in records by the key's fingerprint only."""

from __future__ import annotations

import pytest

from harness.errors import PuzzleError
from harness.leaderboard import heldout
from harness.leaderboard.jobs import Job, run_job
from harness.puzzle.registry import load_declaration_by_name

PUZZLE = "bigram_0l"


def job(**changes) -> Job:
    fields = dict(solver="someone", display_name="Someone", method="human", link=None, puzzle=PUZZLE,
                  module="/nowhere/bigram_0l.py", submission_sha256="ab" * 32)
    return Job(**{**fields, **changes})


def test_the_held_out_sample_is_secret_stable_and_never_the_public_seed(tmp_path, monkeypatch):
    """The leaderboard grades on a seed derived from a key the repository does not hold; the record names the key by
    its fingerprint, never the seed, and another key gives another seed."""
    decl = load_declaration_by_name(PUZZLE)
    monkeypatch.delenv(heldout.KEY_ENV)
    made = heldout.key(tmp_path)  # created on first use, private to its owner
    assert (tmp_path / heldout.KEY_FILE).stat().st_mode & 0o777 == 0o600 and heldout.key(tmp_path) == made
    sample = heldout.held_out(decl, made)
    lo, hi = decl.data.eval_seeds
    assert lo + heldout.OFFSET <= sample.seed <= hi and sample.seed != decl.grading.seed
    assert str(sample.seed) not in sample.label and sample.label == f"held-out {heldout.fingerprint(made)}"
    others = {heldout.held_out(decl, bytes([i]) * 32).seed for i in range(8)}
    assert len(others) == 8  # the key decides the rows
    record = run_job(job(problem="a problem, so nothing is graded", sample=sample))
    assert record.sample == sample.label and record.grading_seed is None
    assert job(sample=sample).identity() != job().identity()
    (tmp_path / heldout.KEY_FILE).write_text("not hex\n")
    with pytest.raises(PuzzleError, match="is not a key of at least 32 hexadecimal digits"):
        heldout.key(tmp_path)
