"""The leaderboard run: results with provenance, reuse, regrading of tampered files, the lock, baselines."""

import json
import os
import shutil
from pathlib import Path

import pytest

import harness.leaderboard as lb
from harness.leaderboard import SCHEMA_VERSION, ResultRecord, jobs
from harness.leaderboard.baselines import BASELINES
from harness.leaderboard.rank import rank

REPO = Path(__file__).resolve().parents[2]
PUZZLE = "bigram_0l"  # the cheapest puzzle to grade


@pytest.fixture
def solutions(tmp_path):
    """A solutions folder with the reference and one decoy-as-submission for bigram_0l."""
    root = tmp_path / "solutions"
    (root / "reference").mkdir(parents=True)
    shutil.copy(REPO / "solutions/reference/bigram_0l.py", root / "reference/bigram_0l.py")
    shutil.copy(REPO / "solutions/reference/submission.toml", root / "reference/submission.toml")
    (root / "guesser").mkdir()
    shutil.copy(REPO / "puzzles/bigram_0l/decoys/unigram.py", root / "guesser/bigram_0l.py")
    (root / "guesser/submission.toml").write_text('display_name = "Unigram guesser"\nmethod = "automated"\n')
    return root


def build(tmp_path, solutions, **kwargs):
    return lb.build(out=tmp_path / "board", solutions=solutions, only=[PUZZLE], **kwargs)


def test_build_writes_results_markdown_and_page(tmp_path, solutions):
    summary = build(tmp_path, solutions)
    board = tmp_path / "board"
    result = json.loads((board / "results/reference/bigram_0l.json").read_text())
    for key in ("puzzle", "puzzle_version", "checkpoint_sha256", "submission_sha256", "grading_seed", "claims",
                "score", "solved", "seconds", "packages", "git_commit", "date", "status", "error", "harness_version"):
        assert key in result, key
    assert result["schema_version"] == SCHEMA_VERSION and result["status"] == "ok" and result["solved"]
    assert ResultRecord.from_dict(result).to_dict() == result  # the file follows the schema, read back unchanged
    markdown = (board / "LEADERBOARD.md").read_text()
    assert "Reference" in markdown and "Unigram guesser" in markdown and "Baseline" in markdown
    assert "<table" in (board / "index.html").read_text()
    ranked = [r.solver for r in rank(summary["results"], summary["puzzles"])]
    assert ranked[0] == "reference"
    baselines = [r for r in summary["results"] if r.method == "baseline"]
    assert len(baselines) == len(BASELINES) and not any(r.solved for r in baselines)


def test_second_run_reuses_and_force_regrades(tmp_path, solutions):
    build(tmp_path, solutions)
    again = build(tmp_path, solutions)
    assert again["graded"] == 0 and again["reused"] == 2 + len(BASELINES)
    forced = build(tmp_path, solutions, force=True)
    assert forced["graded"] == 2 + len(BASELINES)


def test_a_run_that_changes_no_result_leaves_the_pages_untouched(tmp_path, solutions):
    first = build(tmp_path, solutions)
    pages = [tmp_path / "board" / "LEADERBOARD.md", tmp_path / "board" / "index.html"]
    before = [(p.read_bytes(), p.stat().st_mtime_ns) for p in pages]
    newest = max(r.date for r in first["results"])
    assert f"on {newest}" in pages[0].read_text()  # the newest result's date, not the clock's
    build(tmp_path, solutions)
    assert [(p.read_bytes(), p.stat().st_mtime_ns) for p in pages] == before


def test_changed_submission_is_regraded(tmp_path, solutions):
    build(tmp_path, solutions)
    module = solutions / "guesser/bigram_0l.py"
    module.write_text(module.read_text() + "\n# edited\n")
    again = build(tmp_path, solutions)
    assert again["graded"] == 1


def test_tampered_or_truncated_result_is_regraded(tmp_path, solutions):
    build(tmp_path, solutions)
    path = tmp_path / "board/results/guesser/bigram_0l.json"
    data = json.loads(path.read_text())
    data["score"], data["solved"] = 1.0, True  # a forged result: parses, but does not match the index
    path.write_text(json.dumps(data))
    (tmp_path / "board/results/reference/bigram_0l.json").write_text('{"trunc')
    again = build(tmp_path, solutions)
    assert again["graded"] == 2
    assert json.loads(path.read_text())["solved"] is False


def test_bad_metadata_is_an_error_row_not_a_crash(tmp_path, solutions):
    (solutions / "guesser/submission.toml").write_text('display_name = "x"\nmethod = "psychic"\n')
    summary = build(tmp_path, solutions)
    row = next(r for r in summary["results"] if r.solver == "guesser")
    assert row.status == "error" and "method" in row.error and "submission.toml" in row.error
    assert next(r for r in summary["results"] if r.solver == "reference").solved


def test_a_second_run_at_once_is_refused(tmp_path, solutions):
    with lb.run_lock(tmp_path / "board"):
        with pytest.raises(lb.LeaderboardBusy, match="holds"):
            build(tmp_path, solutions)


def test_interrupted_run_keeps_previous_leaderboard_and_finished_results(tmp_path, solutions, monkeypatch):
    build(tmp_path, solutions)
    board = tmp_path / "board"
    before = (board / "LEADERBOARD.md").read_text()
    (solutions / "guesser/bigram_0l.py").write_text((solutions / "guesser/bigram_0l.py").read_text() + "\n# v2\n")
    (solutions / "reference/bigram_0l.py").write_text((solutions / "reference/bigram_0l.py").read_text() + "\n# v2\n")
    real = jobs.run_job
    calls = []

    def interrupted(job):
        if calls:
            raise KeyboardInterrupt
        calls.append(job)
        return real(job)

    monkeypatch.setattr(jobs, "run_job", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(tmp_path, solutions)
    assert (board / "LEADERBOARD.md").read_text() == before
    monkeypatch.setattr(jobs, "run_job", real)
    again = build(tmp_path, solutions)
    assert again["graded"] == 1  # the job finished before the interrupt was kept


def test_parallel_jobs_match_serial(tmp_path, solutions, monkeypatch):
    monkeypatch.delenv("INTERP_PUZZLES_THREADS", raising=False)
    serial = build(tmp_path, solutions)
    parallel = lb.build(out=tmp_path / "board2", solutions=solutions, only=[PUZZLE], n_jobs=2)
    assert "INTERP_PUZZLES_THREADS" not in os.environ  # one thread a process for that run only, not the next one
    key = lambda r: (r.solver, r.puzzle)  # noqa: E731
    assert [(key(r), r.score, r.solved) for r in sorted(serial["results"], key=key)] == \
           [(key(r), r.score, r.solved) for r in sorted(parallel["results"], key=key)]


def test_a_runs_thread_setting_is_the_users_when_given_and_never_outlives_the_run(monkeypatch):
    from harness.leaderboard.build import _default_env

    monkeypatch.delenv("INTERP_PUZZLES_THREADS", raising=False)
    with _default_env("INTERP_PUZZLES_THREADS", "1"):
        assert os.environ["INTERP_PUZZLES_THREADS"] == "1"
    assert "INTERP_PUZZLES_THREADS" not in os.environ
    monkeypatch.setenv("INTERP_PUZZLES_THREADS", "3")
    with _default_env("INTERP_PUZZLES_THREADS", "1"):
        assert os.environ["INTERP_PUZZLES_THREADS"] == "3"
    assert os.environ["INTERP_PUZZLES_THREADS"] == "3"
