"""`interp-puzzles leaderboard`: grade every submission on every puzzle it covers, plus the baselines.

Each (submission, puzzle) grade is an independent job. Submissions are imported only inside isolated
worker processes (harness.isolation); baselines are the harness's own code. Finished results are
written one by one (atomically), so an interrupted run loses nothing it finished, and the Markdown
and HTML pages are replaced only at the end, so the previous leaderboard stays intact until then.
"""

from __future__ import annotations

import fcntl
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Iterator

from . import __version__
from .baselines import BASELINES
from .errors import PuzzleError
from .registry import REPO_ROOT, list_puzzles, load_declaration_by_name
from .results import ResultStore, git_commit, identity, now, package_versions
from .results_io import write_text_atomic
from .submissions import Submission, discover_submissions, unknown_modules

REFERENCE = "reference"


class LeaderboardBusy(PuzzleError):
    """Another leaderboard run holds the lock."""


@contextmanager
def run_lock(out: Path) -> Iterator[None]:
    """An exclusive lock on `out/.lock`; a second concurrent run stops with a clear message."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / ".lock"
    handle = open(path, "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "unknown"
        handle.close()
        raise LeaderboardBusy(f"Another leaderboard run (pid {holder}) holds {path}; wait for it to finish. "
                              "The lock is released automatically when that process ends.") from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    try:
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


@dataclass(frozen=True)
class Job:
    solver: str  # submission folder or baseline key
    display_name: str
    method: str
    link: str | None
    puzzle: str
    module: str | None  # hypothesis module path (submissions); None for baselines
    submission_sha256: str
    problem: str | None = None  # set when the submission cannot be graded (bad metadata)
    reference_size: int | None = None  # baselines: units in the reference circuit


@lru_cache(maxsize=8)
def _puzzle(name: str):
    from .puzzle import load_puzzle

    return load_puzzle(name)


def _checkpoint_sha(name: str) -> str | None:
    decl = load_declaration_by_name(name)
    return decl.checkpoint.sha256 if decl.checkpoint else None


def run_job(job: Job) -> dict[str, Any]:
    """Grade one (submission, puzzle); never raises: failures become an error result."""
    import torch

    from .baselines import baseline_hypothesis
    from .grader import grade
    from .hypothesis import HypothesisError

    torch.set_num_threads(int(os.environ.get("INTERP_PUZZLES_THREADS", "2")))
    start = time.perf_counter()
    decl = load_declaration_by_name(job.puzzle)
    result: dict[str, Any] = {
        "schema_version": 1, "solver": job.solver, "display_name": job.display_name, "method": job.method,
        "link": job.link, "puzzle": job.puzzle,
        **identity(puzzle_version=decl.version, checkpoint_sha256=_checkpoint_sha(job.puzzle),
                   submission_sha256=job.submission_sha256, harness_version=__version__,
                   grading_seed=decl.grading.seed),
        "ablation": decl.grading.ablation, "n": decl.grading.n, "status": "ok", "error": None,
        "solved": False, "score": 0.0, "parts": {}, "claims": [], "failures": [],
    }
    try:
        if job.problem:
            raise HypothesisError(job.problem)
        puzzle = _puzzle(job.puzzle)
        if job.module is None:
            hypothesis = baseline_hypothesis(job.solver, puzzle, decl.grading.seed, job.reference_size)
            if hypothesis is None:
                raise HypothesisError("This baseline needs the reference's circuit size, and the reference has no "
                                      "graded circuit claim for this puzzle.")
            report = grade(hypothesis, puzzle=puzzle)
        else:
            from .isolation import IsolatedSubmission

            with IsolatedSubmission(Path(job.module)) as submission:
                report = grade(submission.hypothesis(), puzzle=puzzle, call=submission.call)
        data = report.to_dict()
        result.update(solved=data["solved"], score=data["score"], parts=data["parts"], claims=data["claims"],
                      failures=data["failures"])
    except Exception as exc:  # noqa: BLE001 - one bad submission must never take down the run
        result.update(status="error", error=f"{exc.__class__.__name__}: {exc}" if not isinstance(exc, HypothesisError)
                      else str(exc))
    result.update(seconds=round(time.perf_counter() - start, 3), packages=package_versions(),
                  git_commit=git_commit(REPO_ROOT), date=now())
    return result


def available_puzzles() -> tuple[list[str], dict[str, str]]:
    """Puzzles that can be graded here, and the reason for each that cannot."""
    from .models import pretrained_available

    ok, skipped = [], {}
    for name in list_puzzles():
        try:
            decl = load_declaration_by_name(name)
        except PuzzleError as exc:
            skipped[name] = str(exc)
            continue
        if decl.model.kind == "pretrained" and not pretrained_available(decl.model.hf_name):
            skipped[name] = f"the {decl.model.hf_name} weights are not in the local Hugging Face cache"
            continue
        ok.append(name)
    return ok, skipped


def _jobs_for(submissions: list[Submission], puzzles: list[str]) -> list[Job]:
    return [Job(s.solver, s.display_name, s.method, s.link, p, str(s.modules[p]), s.sha256(p), s.problem)
            for s in submissions for p in puzzles if p in s.modules]


def _baseline_jobs(puzzles: list[str], store: ResultStore) -> list[Job]:
    jobs = []
    for puzzle in puzzles:
        reference = store.verified(REFERENCE, puzzle)
        circuits = [c for c in (reference or {}).get("claims", []) if c.get("kind") == "circuit"]
        size = circuits[0].get("details", {}).get("size") if circuits else None
        for key, display in BASELINES.items():
            sha = f"{key}:{__version__}:{size if key == 'baseline-random-circuit' else ''}"
            jobs.append(Job(key, display, "baseline", None, puzzle, None, sha, reference_size=size))
    return jobs


def _grade_all(jobs: list[Job], store: ResultStore, n_jobs: int, force: bool, label: str) -> tuple[int, int]:
    """Grade the jobs whose stored results cannot be reused; returns (graded, reused)."""
    from tqdm import tqdm

    todo = []
    for job in jobs:
        decl = load_declaration_by_name(job.puzzle)
        expected = identity(puzzle_version=decl.version, checkpoint_sha256=_checkpoint_sha(job.puzzle),
                            submission_sha256=job.submission_sha256, harness_version=__version__,
                            grading_seed=decl.grading.seed)
        if force or store.reusable(job.solver, job.puzzle, expected) is None:
            todo.append(job)
    bar = tqdm(total=len(todo), desc=label, unit="grade", file=sys.stderr, disable=not todo)
    if n_jobs <= 1:
        for job in todo:
            bar.set_postfix_str(f"{job.solver}/{job.puzzle}")
            store.write(run_job(job))
            bar.update(1)
    else:
        with ProcessPoolExecutor(max_workers=n_jobs, mp_context=get_context("spawn")) as pool:
            futures = {pool.submit(run_job, job): job for job in todo}
            for future in as_completed(futures):
                store.write(future.result())
                bar.update(1)
    bar.close()
    return len(todo), len(jobs) - len(todo)


def build(out: Path | None = None, solutions: Path | None = None, n_jobs: int = 1, force: bool = False,
          only: list[str] | None = None) -> dict[str, Any]:
    """Grade everything that changed, then write LEADERBOARD.md and index.html; returns a summary.

    only: restrict to these puzzles (tests use it to stay fast).
    """
    from .leaderboard_render import render_html, render_markdown

    out = Path(out or REPO_ROOT / "leaderboard")
    solutions = Path(solutions or REPO_ROOT / "solutions")
    if n_jobs > 1:
        os.environ.setdefault("INTERP_PUZZLES_THREADS", "1")
    with run_lock(out):
        puzzles, skipped = available_puzzles()
        if only is not None:
            puzzles = [p for p in puzzles if p in only]
        store = ResultStore(out / "results")
        submissions = discover_submissions(solutions, list_puzzles())
        submissions.sort(key=lambda s: s.solver != REFERENCE)  # the reference first: baselines use its size
        graded, reused = _grade_all(_jobs_for(submissions, puzzles), store, n_jobs, force, "submissions")
        g2, r2 = _grade_all(_baseline_jobs(puzzles, store), store, n_jobs, force, "baselines")
        keys = [(s.solver, p) for s in submissions for p in puzzles if p in s.modules]
        keys += [(b, p) for b in BASELINES for p in puzzles]
        results = [r for r in (store.verified(s, p) for s, p in keys) if r is not None]
        commit, generated = git_commit(REPO_ROOT), now()
        notes = [f"{name}: not graded here ({why})." for name, why in skipped.items()]
        notes += [f"{path.relative_to(solutions)}: names no puzzle; not graded." for path in unknown_modules(solutions, list_puzzles())]
        write_text_atomic(out / "LEADERBOARD.md", render_markdown(results, puzzles, generated, commit, notes=notes))
        write_text_atomic(out / "index.html", render_html(results, puzzles, generated, commit, notes=notes))
    return {"graded": graded + g2, "reused": reused + r2, "results": results, "puzzles": puzzles, "skipped": skipped,
            "notes": notes, "out": out}
