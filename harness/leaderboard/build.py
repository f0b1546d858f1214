"""`interp-puzzles leaderboard`: grade every submission on every puzzle it covers, plus the baselines.

Each (submission, puzzle) grade is an independent job (harness/leaderboard/jobs.py). Finished results are
written one by one (atomically), so an interrupted run loses nothing it finished, and the Markdown and HTML
pages are replaced only at the end (both or neither), so the previous leaderboard stays intact until then.

A result is reused only when it was a success or an error of the submission's own making; an error of
the harness or its environment (a checkpoint that does not match, a worker that could not start, a bug)
is graded again next time. Pool processes die with the run.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

from filelock import FileLock, Timeout

from .. import __version__
from ..errors import LeaderboardBusy, PuzzleError
from ..puzzle.registry import REPO_ROOT, list_puzzles, load_declaration_by_name
from ..results_io import write_texts_atomic
from ..sandbox.files import shown
from ..universality import recorded
from . import heldout
from . import jobs as _jobs
from .backends import BACKENDS, run_local, run_ray, session
from .baselines import BASELINES
from .heldout import Sample
from .jobs import CALL_TIMEOUT_S, GRADE_BUDGET_S, Job
from .record import ResultRecord
from .store import ResultStore, clean, git_commit, now
from .submissions import Submission, discover_submissions, unknown_modules

REFERENCE = "reference"


@contextmanager
def run_lock(out: Path) -> Iterator[None]:
    """An exclusive lock on `out/.lock` (filelock); a second concurrent run stops with a clear message. The lock
    is the kernel's, so it is released when the holding process ends, however it ends."""
    out.mkdir(parents=True, exist_ok=True)
    lock = FileLock(out / ".lock", thread_local=False)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise LeaderboardBusy(f"Another leaderboard run holds {out / '.lock'}; wait for it to finish. The lock is "
                              "released automatically when that process ends.") from None
    try:
        yield
    finally:
        lock.release()


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
    from ..puzzle.models import pretrained_available

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


def _jobs_for(submissions: list[Submission], puzzles: list[str], budget_s: float | None,
              call_timeout_s: float, samples: dict[str, Sample]) -> list[Job]:
    return [Job(s.solver, s.display_name, s.method, s.link, p, str(s.modules[p]), s.sha256(p), s.problem,
                budget_s=budget_s, call_timeout_s=call_timeout_s, sample=samples[p])
            for s in submissions for p in puzzles if p in s.modules]


def _samples(puzzles: list[str], out: Path, public_seed: bool) -> dict[str, Sample]:
    """Each puzzle's grading sample: held out under the leaderboard's key, or the public seed."""
    secret = None if public_seed else heldout.key(out)
    return {p: heldout.public(decl) if secret is None else heldout.held_out(decl, secret)
            for p in puzzles for decl in [load_declaration_by_name(p)]}


def _reference_size(record: ResultRecord | None) -> int | None:
    """Units in the reference's graded circuit: the random-circuit baseline draws circuits of this size."""
    circuits = [c for c in (record.claims if record else []) if c.kind == "circuit"]
    size = circuits[0].details.get("size") if circuits else None
    return size if isinstance(size, int) else None


def _baseline_jobs(puzzles: list[str], store: ResultStore, budget_s: float | None,
                   samples: dict[str, Sample]) -> list[Job]:
    jobs = []
    for puzzle in puzzles:
        size = _reference_size(store.verified(REFERENCE, puzzle))
        for key, display in BASELINES.items():
            sha = f"{key}:{__version__}:{size if key == 'baseline-random-circuit' else ''}"
            jobs.append(Job(key, display, "baseline", None, puzzle, None, sha, reference_size=size, budget_s=budget_s,
                            sample=samples[puzzle]))
    return jobs


def _grade_all(jobs: list[Job], store: ResultStore, n_jobs: int, force: bool, label: str,
               run: Callable[[Job], ResultRecord] | None = None, backend: str = "local",
               address: str | None = None) -> tuple[int, int]:
    """Grade the jobs whose stored results cannot be reused; returns (graded, reused). Jobs run grouped by puzzle
    (a process keeps one puzzle's model and grading sample warm across them); results are written as they come."""
    from tqdm import tqdm

    run = run or _jobs.run_job
    todo = [job for job in jobs
            if force or job.problem or store.reusable(job.solver, job.puzzle, job.identity()) is None]
    todo.sort(key=lambda job: job.puzzle)
    bar = tqdm(total=len(todo), desc=label, unit="grade", file=sys.stderr, disable=not todo)
    if backend == "ray" and todo:
        records = run_ray(todo, n_jobs, address)
    else:
        records = run_local(todo, run, n_jobs, initializer=_die_with_parent, initargs=(os.getpid(),))
    for record in records:
        store.write(record)
        bar.set_postfix_str(f"{record.solver}/{record.puzzle}")
        bar.update(1)
    bar.close()
    return len(todo), len(jobs) - len(todo)


def _notes(broken: dict[str, str], skipped: dict[str, str], submissions: list[Submission], solutions: Path,
           puzzles: list[str]) -> list[str]:
    from ..sandbox.process import bubblewrap_problem

    notes = [f"{name}: not graded, its declaration is broken: {why}" for name, why in broken.items()]
    notes += [f"{name}: not graded here ({why})." for name, why in skipped.items()]
    notes += [f"{shown(str(path.relative_to(solutions)))}: names no puzzle; not graded."
              for path in unknown_modules(solutions, list_puzzles())]
    notes += [f"{s.problem} (no module for a puzzle graded here, so no row)" for s in submissions
              if s.problem and not any(p in s.modules for p in puzzles)]
    if bubblewrap_problem():
        notes.append(f"Submissions ran without the bubblewrap sandbox: {bubblewrap_problem()}.")
    return [clean(n) for n in notes]


def build(out: Path | None = None, solutions: Path | None = None, n_jobs: int = 1, force: bool = False,
          only: list[str] | None = None, baselines: bool = True,
          grade_budget_s: float | None = GRADE_BUDGET_S, call_timeout_s: float = CALL_TIMEOUT_S,
          backend: str = "local", address: str | None = None, public_seed: bool = False) -> dict[str, Any]:
    """Grade everything that changed, then write LEADERBOARD.md and index.html; returns a summary.

    public_seed: grade on each puzzle's public grading seed instead of the held-out one (harness.leaderboard.heldout).

    only: restrict to these puzzles; baselines=False skips the baselines (tests use both to stay fast).
    call_timeout_s: a submission's worker may spend this long in one call of a hypothesis function.
    n_jobs: the cores the run uses — n_jobs local processes (this one, for 1) or Ray CPUs, each grading at one torch
        thread (`$INTERP_PUZZLES_THREADS` sets another count).
    backend: "local" (n_jobs processes) or "ray" (one Ray task per job; a local cluster of n_jobs CPUs, or the
        cluster at `address`). Results and pages are the same either way.
    summary["results"]: the ResultRecords shown; summary["errors"]: puzzles whose declaration is broken (the run
    still finishes; the command exits 2).
    """
    from .html import render_html
    from .markdown import render_markdown

    out = Path(out or REPO_ROOT / "leaderboard")
    solutions = Path(solutions or REPO_ROOT / "solutions")
    if backend not in BACKENDS:
        raise PuzzleError(f"Unknown backend {backend!r}; use one of {', '.join(BACKENDS)}.")
    if n_jobs < 1:
        raise PuzzleError(f"--jobs must be at least 1, not {n_jobs}: it is the number of cores the run uses.")
    _jobs.grading_threads()  # a bad $INTERP_PUZZLES_THREADS stops the run here, before any job
    with run_lock(out):
        puzzles, skipped, broken = available_puzzles()
        if only is not None:
            puzzles = [p for p in puzzles if p in only]
            broken = {p: why for p, why in broken.items() if p in only}
        store = ResultStore(out / "results")
        submissions = discover_submissions(solutions, list_puzzles())
        submissions.sort(key=lambda s: s.solver != REFERENCE)  # the reference first: baselines use its size
        samples = _samples(puzzles, out, public_seed)
        jobs = _jobs_for(submissions, puzzles, grade_budget_s, call_timeout_s, samples)
        where = dict(backend=backend, address=address)
        with session(backend, n_jobs, address):
            graded, reused = _grade_all(jobs, store, n_jobs, force, "submissions", **where)
            g2 = r2 = 0
            if baselines:
                g2, r2 = _grade_all(_baseline_jobs(puzzles, store, grade_budget_s, samples), store, n_jobs, force, "baselines",
                                    **where)
        keys = [(s.solver, p) for s in submissions for p in puzzles if p in s.modules]
        keys += [(b, p) for b in BASELINES for p in puzzles] if baselines else []
        results = [r for r in (store.verified(s, p) for s, p in keys) if r is not None]
        # the pages carry the newest result's date and commit, not the clock's: a run that changes no result
        # writes the same bytes, and the tracked pages are left untouched
        newest = max(results, key=lambda r: r.date, default=None)
        commit = (newest.git_commit if newest else None) or git_commit(REPO_ROOT)
        generated = newest.date if newest else now()
        notes = _notes(broken, skipped, submissions, solutions, puzzles)
        labels = sorted({sample.label for sample in samples.values()})
        if labels and not any(samples[p].public for p in samples):
            notes.insert(0, f"Graded on held-out samples ({', '.join(labels)}: the key's fingerprint), which the "
                            "repository does not reveal; `interp-puzzles grade` uses each puzzle's public seed.")
        seeds = recorded(out, puzzles)  # universality records: on how many retrained seeds the reference holds
        pages = {out / "LEADERBOARD.md": render_markdown(results, puzzles, generated, commit, notes=notes,
                                                         universality=seeds),
                 out / "index.html": render_html(results, puzzles, generated, commit, notes=notes, universality=seeds)}
        if any(not path.is_file() or path.read_text(encoding="utf-8", errors="replace") != text
               for path, text in pages.items()):
            write_texts_atomic(pages)
    return {"graded": graded + g2, "reused": reused + r2, "results": results, "puzzles": puzzles, "skipped": skipped,
            "errors": broken, "notes": notes, "out": out}
