"""Leaderboard throughput: K copies of the reference on the four original toy puzzles, with --jobs 1 and 2.

`make bench` times 10 and 30 copies and records, per run, the wall time, the mean job time (a result's `seconds`:
worker start, hypothesis import, grade) and the per-job overhead — mean job time minus the in-process grade time
of the same reference at the same thread count. `make test` runs one small case as an ordinary test.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
import torch

import harness.leaderboard as lb
from harness.grading import grade

REPO = Path(__file__).resolve().parents[2]
PUZZLES = ["bigram_0l", "rederive_position", "previous_token_mlp", "permutation_listing"]


def copies(root: Path, k: int) -> Path:
    for i in range(k):
        folder = root / f"copy{i:02d}"
        folder.mkdir(parents=True)
        (folder / "submission.toml").write_text(f'display_name = "copy {i}"\nmethod = "human"\n')
        for puzzle in PUZZLES:
            shutil.copy(REPO / "solutions/reference" / f"{puzzle}.py", folder / f"{puzzle}.py")
    return root


def in_process_seconds(shipped, threads: int) -> dict[str, float]:
    """The fastest of three warm in-process grades of each reference, at `threads` torch threads."""
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        out = {}
        for puzzle in PUZZLES:
            p = shipped(puzzle)
            grade(REPO / "solutions/reference" / f"{puzzle}.py", puzzle=p)
            timings = []
            for _ in range(3):
                start = time.perf_counter()
                grade(REPO / "solutions/reference" / f"{puzzle}.py", puzzle=p)
                timings.append(time.perf_counter() - start)
            out[puzzle] = min(timings)
        return out
    finally:
        torch.set_num_threads(before)


@pytest.mark.parametrize("k", [10, 30])
@pytest.mark.parametrize("jobs, threads", [(1, 1), (2, 1), (1, 2)])  # (1, 1) and (2, 1): what --jobs 1 and 2 use
def test_leaderboard_wall_time(benchmark, shipped, tmp_path, capsys, monkeypatch, k, jobs, threads):
    """`--jobs N` runs N processes at one torch thread each; one process at two threads
    (INTERP_PUZZLES_THREADS=2 --jobs 1) is timed too, to compare two cores used by threads with two used by processes."""
    if benchmark.disabled:  # `make test`: one copy, one process shows the path works; `make bench` times the rest
        if (k, jobs, threads) != (10, 1, 1):
            pytest.skip("timed by `make bench` only")
        k = 1
    monkeypatch.setenv("INTERP_PUZZLES_THREADS", str(threads))
    root = copies(tmp_path / "solutions", k)
    runs = iter(range(100))

    def run():
        return lb.build(out=tmp_path / f"board{next(runs)}", solutions=root, only=PUZZLES, n_jobs=jobs, baselines=False)

    summary = benchmark.pedantic(run, rounds=1, iterations=1)
    records = summary["results"]
    assert len(records) == k * len(PUZZLES) and all(r.solved for r in records)
    if benchmark.disabled:
        return
    grade_s = in_process_seconds(shipped, threads)
    job_s = sum(r.seconds for r in records) / len(records)
    overhead = sum(r.seconds - grade_s[r.puzzle] for r in records) / len(records)
    benchmark.extra_info.update(copies=k, jobs=jobs, threads=threads, n_jobs_graded=len(records), mean_job_seconds=round(job_s, 3),
                                overhead_per_job_seconds=round(overhead, 3))
    with capsys.disabled():
        print(f"\n{k} copies, --jobs {jobs} ({threads} thread(s) a process): {len(records)} jobs, mean job {job_s:.3f} s, overhead per job "
              f"{overhead:.3f} s")
