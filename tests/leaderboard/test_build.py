"""The leaderboard run: results with provenance, reuse, regrading of tampered files, the lock, baselines."""

import json
import shutil
from pathlib import Path

import pytest

import harness.leaderboard as lb
from harness.errors import PuzzleError
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
    for key in ("puzzle", "puzzle_version", "checkpoint_sha256", "submission_sha256", "sample", "claims",
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
    key = lambda r: (r.solver, r.puzzle)  # noqa: E731
    assert [(key(r), r.score, r.solved) for r in sorted(serial["results"], key=key)] == \
           [(key(r), r.score, r.solved) for r in sorted(parallel["results"], key=key)]


@pytest.mark.parametrize("setting, threads", [(None, 1), ("3", 3)])
def test_jobs_grade_at_one_thread_unless_set_and_the_callers_count_comes_back(tmp_path, solutions, monkeypatch,
                                                                            setting, threads):
    """`--jobs N` uses N cores: each grading process (this one, for 1) at one torch thread, or as many as
    $INTERP_PUZZLES_THREADS says; a run in this process leaves the caller's thread count as it found it."""
    import torch

    if setting is None:
        monkeypatch.delenv("INTERP_PUZZLES_THREADS", raising=False)
    else:
        monkeypatch.setenv("INTERP_PUZZLES_THREADS", setting)
    real, seen = jobs.run_job, []

    def run_job(job):
        record = real(job)
        seen.append(torch.get_num_threads())  # what the job graded at
        return record

    monkeypatch.setattr(jobs, "run_job", run_job)
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        build(tmp_path, solutions, baselines=False)
        assert seen and set(seen) == {threads}
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


@pytest.mark.parametrize("setting", ["0", "two", "-1"])
def test_a_bad_thread_setting_or_job_count_stops_the_run_before_any_job(tmp_path, solutions, monkeypatch, setting):
    monkeypatch.setenv("INTERP_PUZZLES_THREADS", setting)
    with pytest.raises(PuzzleError, match=f"INTERP_PUZZLES_THREADS is '{setting}'.*set it to 1 or more"):
        build(tmp_path, solutions)
    monkeypatch.delenv("INTERP_PUZZLES_THREADS")
    with pytest.raises(PuzzleError, match="--jobs must be at least 1, not 0"):
        build(tmp_path, solutions, n_jobs=0)
    assert not (tmp_path / "board" / "results").exists()
