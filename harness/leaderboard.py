"""`interp-puzzles leaderboard`: grade every submission on every puzzle it covers, plus the baselines.

Each (submission, puzzle) grade is an independent job. Submissions are imported only inside isolated
worker processes (harness.isolation); baselines are the harness's own code. Finished results are
written one by one (atomically), so an interrupted run loses nothing it finished, and the Markdown
and HTML pages are replaced only at the end (both or neither), so the previous leaderboard stays intact
until then.

A result is reused only when it was a success or an error of the submission's own making; an error of
the harness or its environment (a checkpoint that does not match, a worker that could not start, a bug)
is graded again next time. Results are keyed on the sha256 of the checkpoint actually read. The grading
process's own work on one job has a time budget (`grade_budget_s`); pool processes die with the run.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import signal
import sys
import threading
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
from .errors import PuzzleError, SubmissionError
from .registry import REPO_ROOT, list_puzzles, load_declaration_by_name, puzzles_dir
from .results import ResultStore, clean, git_commit, identity, now, package_versions
from .results_io import write_texts_atomic
from .submissions import Submission, discover_submissions, shown, unknown_modules

REFERENCE = "reference"
GRADE_BUDGET_S = 900.0  # the grading process's own time on one (submission, puzzle); the worker has its own limits
HARNESS_REASONS = ("worker",)  # SubmissionError reasons that are the harness's or the environment's fault


class GradeBudgetExceeded(BaseException):
    """Raised (from SIGALRM) in the grading process when one job used up its time budget; a BaseException so
    that no `except Exception` in the grader swallows it."""


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
    budget_s: float | None = GRADE_BUDGET_S  # the grading process's time on this job


def _checkpoint_file(name: str) -> Path | None:
    decl = load_declaration_by_name(name)
    return decl.folder / decl.checkpoint.file if decl.checkpoint else None


def _file_key(path: Path | None) -> tuple:
    try:
        info = os.stat(path) if path is not None else None
    except OSError:
        return (str(path), None)
    return (str(path), info and (info.st_size, info.st_mtime_ns, info.st_ino))


@lru_cache(maxsize=64)
def _sha256_of(key: tuple) -> str | None:
    path, info = key
    if info is None:
        return None
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _checkpoint_sha(name: str) -> str | None:
    """The sha256 of the checkpoint file as it is now (not as declared): results are keyed on what was read."""
    path = _checkpoint_file(name)
    return None if path is None else _sha256_of(_file_key(path))


@lru_cache(maxsize=8)
def _cached_puzzle(name: str, root: str, checkpoint: tuple):
    from .puzzle import load_puzzle

    return load_puzzle(name)


def _puzzle(name: str):
    return _cached_puzzle(name, str(puzzles_dir()), _file_key(_checkpoint_file(name)))


@contextmanager
def _time_budget(seconds: float | None, what: str) -> Iterator[None]:
    """Raise GradeBudgetExceeded after `seconds` of wall-clock time (main thread only; elsewhere no budget)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum, frame):
        raise GradeBudgetExceeded(f"{what}: grading it took longer than the time budget of {seconds:g} s for one "
                                  "submission on one puzzle, and was stopped. Make the hypothesis cheaper to grade "
                                  "(fewer claims, no repeated circuit entries).")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _error_source(exc: BaseException) -> str:
    """"submission" when the submission caused the error (reusable), "harness" for the harness or environment."""
    from .hypothesis import HypothesisError

    if isinstance(exc, SubmissionError):
        return "harness" if getattr(exc, "reason", None) in HARNESS_REASONS else "submission"
    if isinstance(exc, (HypothesisError, GradeBudgetExceeded)):
        return "submission"
    return "harness"


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
        "ablation": decl.grading.ablation, "n": decl.grading.n, "status": "ok", "error": None, "error_source": None,
        "solved": False, "score": 0.0, "parts": {}, "claims": [], "failures": [],
    }
    what = shown(job.module) if job.module else f"baseline {job.solver}"
    try:
        if job.problem:
            raise HypothesisError(job.problem)
        puzzle = _puzzle(job.puzzle)
        with _time_budget(job.budget_s, what):
            if job.module is None:
                hypothesis = baseline_hypothesis(job.solver, puzzle, decl.grading.seed, job.reference_size)
                if hypothesis is None:
                    raise HypothesisError("This baseline needs the reference's circuit size, and the reference has "
                                          "no graded circuit claim for this puzzle.")
                report = grade(hypothesis, puzzle=puzzle)
            else:
                from .isolation import IsolatedSubmission

                with IsolatedSubmission(Path(job.module)) as submission:
                    report = grade(submission.hypothesis(), puzzle=puzzle, call=submission.call)
        data = report.to_dict()
        result.update(solved=data["solved"], score=data["score"], parts=data["parts"], claims=data["claims"],
                      failures=data["failures"])
    except (Exception, GradeBudgetExceeded) as exc:  # noqa: BLE001 - one bad submission must never take down the run
        message = str(exc) if isinstance(exc, (HypothesisError, GradeBudgetExceeded)) else f"{exc.__class__.__name__}: {exc}"
        if job.module and not job.problem and job.module not in message:
            message = f"{what}: {message}"  # every message names the file
        result.update(status="error", error=message, error_source=_error_source(exc))
    result.update(seconds=round(time.perf_counter() - start, 3), packages=package_versions(),
                  git_commit=git_commit(REPO_ROOT), date=now())
    return clean(result)


def _die_with_parent(parent: int) -> None:
    """Pool initializer: the kernel kills this process when the run that started it dies (even by SIGKILL)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - not Linux: the watchdog below still notices
        pass
    if os.getppid() != parent:
        os._exit(1)

    def watchdog() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watchdog, daemon=True, name="parent-watchdog").start()


def available_puzzles() -> tuple[list[str], dict[str, str], dict[str, str]]:
    """Puzzles that can be graded here, the reason for each that cannot (e.g. weights not downloaded), and the
    error of each whose declaration is broken."""
    from .models import pretrained_available

    ok, skipped, broken = [], {}, {}
    for name in list_puzzles():
        try:
            decl = load_declaration_by_name(name)
        except PuzzleError as exc:
            broken[name] = str(exc)
            continue
        if decl.model.kind == "pretrained" and not pretrained_available(decl.model.hf_name):
            skipped[name] = f"the {decl.model.hf_name} weights are not in the local Hugging Face cache"
            continue
        ok.append(name)
    return ok, skipped, broken


def _jobs_for(submissions: list[Submission], puzzles: list[str], budget_s: float | None) -> list[Job]:
    return [Job(s.solver, s.display_name, s.method, s.link, p, str(s.modules[p]), s.sha256(p), s.problem,
                budget_s=budget_s) for s in submissions for p in puzzles if p in s.modules]


def _baseline_jobs(puzzles: list[str], store: ResultStore, budget_s: float | None) -> list[Job]:
    jobs = []
    for puzzle in puzzles:
        reference = store.verified(REFERENCE, puzzle)
        circuits = [c for c in (reference or {}).get("claims", []) if c.get("kind") == "circuit"]
        size = circuits[0].get("details", {}).get("size") if circuits else None
        for key, display in BASELINES.items():
            sha = f"{key}:{__version__}:{size if key == 'baseline-random-circuit' else ''}"
            jobs.append(Job(key, display, "baseline", None, puzzle, None, sha, reference_size=size, budget_s=budget_s))
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
        if force or job.problem or store.reusable(job.solver, job.puzzle, expected, for_reuse=True) is None:
            todo.append(job)
    bar = tqdm(total=len(todo), desc=label, unit="grade", file=sys.stderr, disable=not todo)
    if n_jobs <= 1:
        for job in todo:
            bar.set_postfix_str(f"{job.solver}/{job.puzzle}")
            store.write(run_job(job))
            bar.update(1)
    else:
        with ProcessPoolExecutor(max_workers=n_jobs, mp_context=get_context("spawn"), initializer=_die_with_parent,
                                 initargs=(os.getpid(),)) as pool:
            futures = {pool.submit(run_job, job): job for job in todo}
            for future in as_completed(futures):
                store.write(future.result())
                bar.update(1)
    bar.close()
    return len(todo), len(jobs) - len(todo)


def build(out: Path | None = None, solutions: Path | None = None, n_jobs: int = 1, force: bool = False,
          only: list[str] | None = None, baselines: bool = True,
          grade_budget_s: float | None = GRADE_BUDGET_S) -> dict[str, Any]:
    """Grade everything that changed, then write LEADERBOARD.md and index.html; returns a summary.

    only: restrict to these puzzles; baselines=False skips the baselines (tests use both to stay fast).
    summary["errors"]: puzzles whose declaration is broken (the run still finishes; the command exits 2).
    """
    from .leaderboard_render import render_html, render_markdown
    from .sandbox import bubblewrap_problem

    out = Path(out or REPO_ROOT / "leaderboard")
    solutions = Path(solutions or REPO_ROOT / "solutions")
    if n_jobs > 1:
        os.environ.setdefault("INTERP_PUZZLES_THREADS", "1")
    with run_lock(out):
        puzzles, skipped, broken = available_puzzles()
        if only is not None:
            puzzles = [p for p in puzzles if p in only]
            broken = {p: why for p, why in broken.items() if p in only}
        store = ResultStore(out / "results")
        submissions = discover_submissions(solutions, list_puzzles())
        submissions.sort(key=lambda s: s.solver != REFERENCE)  # the reference first: baselines use its size
        graded, reused = _grade_all(_jobs_for(submissions, puzzles, grade_budget_s), store, n_jobs, force, "submissions")
        g2 = r2 = 0
        if baselines:
            g2, r2 = _grade_all(_baseline_jobs(puzzles, store, grade_budget_s), store, n_jobs, force, "baselines")
        keys = [(s.solver, p) for s in submissions for p in puzzles if p in s.modules]
        keys += [(b, p) for b in BASELINES for p in puzzles] if baselines else []
        results = [r for r in (store.verified(s, p) for s, p in keys) if r is not None]
        # the pages carry the newest result's date and commit, not the clock's: a run that changes no result
        # writes the same bytes, and the tracked pages are left untouched
        newest = max(results, key=lambda r: str(r.get("date") or ""), default={})
        commit, generated = newest.get("git_commit") or git_commit(REPO_ROOT), newest.get("date") or now()
        notes = [f"{name}: not graded, its declaration is broken: {why}" for name, why in broken.items()]
        notes += [f"{name}: not graded here ({why})." for name, why in skipped.items()]
        notes += [f"{shown(str(path.relative_to(solutions)))}: names no puzzle; not graded."
                  for path in unknown_modules(solutions, list_puzzles())]
        notes += [f"{s.problem} (no module for a puzzle graded here, so no row)" for s in submissions
                  if s.problem and not any(p in s.modules for p in puzzles)]
        if bubblewrap_problem():
            notes.append(f"Submissions ran without the bubblewrap sandbox: {bubblewrap_problem()}.")
        notes = [clean(n) for n in notes]
        pages = {out / "LEADERBOARD.md": render_markdown(results, puzzles, generated, commit, notes=notes),
                 out / "index.html": render_html(results, puzzles, generated, commit, notes=notes)}
        if any(not path.is_file() or path.read_text(encoding="utf-8", errors="replace") != text
               for path, text in pages.items()):
            write_texts_atomic(pages)
    return {"graded": graded + g2, "reused": reused + r2, "results": results, "puzzles": puzzles, "skipped": skipped,
            "errors": broken, "notes": notes, "out": out}
