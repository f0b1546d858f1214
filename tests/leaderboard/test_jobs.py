"""One leaderboard job (harness/leaderboard/jobs.py): a job never raises, its record follows the schema and is
keyed on what was read, errors say who caused them (reused only when the submission did), and the grading
process's own work has a time budget."""

from __future__ import annotations

import hashlib
import signal
import time

import pytest

from harness import __version__
from harness.errors import GradeBudgetExceeded, HypothesisError, SubmissionError
from harness.leaderboard.jobs import Job, _error_source, _time_budget, checkpoint_sha, run_job
from harness.leaderboard.record import ResultRecord
from harness.puzzle.registry import load_declaration_by_name

PUZZLE = "bigram_0l"


def job(**changes) -> Job:
    fields = dict(solver="someone", display_name="Someone", method="human", link=None, puzzle=PUZZLE,
                  module="/nowhere/bigram_0l.py", submission_sha256="ab" * 32)
    return Job(**{**fields, **changes})


def test_the_identity_is_the_checkpoint_read_the_puzzle_version_the_seed_and_the_submission():
    decl = load_declaration_by_name(PUZZLE)
    identity = job().identity()
    on_disk = hashlib.sha256((decl.folder / decl.checkpoint.file).read_bytes()).hexdigest()
    assert identity.checkpoint_sha256 == on_disk == checkpoint_sha(decl)
    assert (identity.puzzle_version, identity.sample) == (decl.version, f"public seed {decl.grading.seed}")
    assert (identity.submission_sha256, identity.harness_version) == ("ab" * 32, __version__)
    assert job(submission_sha256="cd" * 32).identity() != identity


def test_a_job_with_a_problem_is_an_error_record_of_the_submission_without_grading(monkeypatch):
    import harness.leaderboard.jobs as jobs

    monkeypatch.setattr(jobs, "_puzzle", lambda decl: pytest.fail("a job with a problem loaded the puzzle"))
    record = run_job(job(problem="solutions/someone/submission.toml, field `method`: is 'psychic'. Use human."))
    assert isinstance(record, ResultRecord) and ResultRecord.from_dict(record.to_dict()) == record
    assert (record.status, record.error_source, record.solved, record.score) == ("error", "submission", False, 0.0)
    assert record.error == "solutions/someone/submission.toml, field `method`: is 'psychic'. Use human."
    assert (record.solver, record.puzzle, record.method) == ("someone", PUZZLE, "human")


@pytest.mark.parametrize("puzzle, rows", [("bigram_0l", None), ("min_of_two_ints", 40_000)])
def test_a_records_n_is_the_rows_graded_every_input_on_an_exhaustive_puzzle(puzzle, rows):
    decl = load_declaration_by_name(puzzle)
    record = run_job(job(solver="baseline-empty", display_name="empty", method="baseline", puzzle=puzzle,
                         module=None, submission_sha256="baseline"))
    assert record.status == "ok", record.error
    assert record.n == (rows or decl.grading.n) and (rows is None or rows != decl.grading.n)


@pytest.mark.parametrize("exc, source", [
    (SubmissionError("timed out", reason="timeout"), "submission"),
    (SubmissionError("the worker could not start", reason="worker"), "harness"),
    (HypothesisError("Claim 0 names 'L9H9'."), "submission"),
    (GradeBudgetExceeded("over budget"), "submission"),
    (RuntimeError("out of disk"), "harness"),
])
def test_an_errors_source_says_whether_the_submission_caused_it(exc, source):
    assert _error_source(exc) == source


def test_the_time_budget_stops_work_that_runs_over_and_restores_the_alarm():
    before = signal.getsignal(signal.SIGALRM)
    with pytest.raises(GradeBudgetExceeded, match="solutions/x/bigram_0l.py: grading it took longer than the time "
                                                  "budget of 0.05 s"):
        with _time_budget(0.05, "solutions/x/bigram_0l.py"):
            end = time.monotonic() + 5
            while time.monotonic() < end:
                pass
    assert signal.getsignal(signal.SIGALRM) is before and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    with _time_budget(None, "no budget"):
        time.sleep(0.01)

