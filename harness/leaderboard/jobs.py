"""One leaderboard job: grade one (submission or baseline, puzzle) and return its ResultRecord; never raises.

Submissions are imported only inside isolated worker processes (harness.sandbox); baselines are the
harness's own code. Results are keyed on the sha256 of the checkpoint actually read. The grading process's
own work on one job has a time budget (`budget_s`); the worker has its own limits.
"""

from __future__ import annotations

import hashlib
import os
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from .. import __version__
from ..errors import GradeBudgetExceeded, PuzzleError, SubmissionError
from ..puzzle.declaration import Declaration
from ..puzzle.registry import REPO_ROOT, load_declaration_by_name, puzzles_dir
from ..sandbox.files import shown
from .heldout import Sample, public
from .record import SCHEMA_VERSION, Identity, ResultRecord
from .store import clean, git_commit, now, package_versions

GRADE_BUDGET_S = 900.0  # the grading process's own time on one (submission, puzzle); the worker has its own limits
CALL_TIMEOUT_S = 60.0  # one call of a submission's function (the worker's other limits: sandbox.client defaults)
HARNESS_REASONS = ("worker",)  # SubmissionError reasons that are the harness's or the environment's fault
THREADS_ENV = "INTERP_PUZZLES_THREADS"  # torch threads a grading process uses; default 1: `--jobs N` uses N cores


def grading_threads() -> int:
    """The torch threads a grading process uses: $INTERP_PUZZLES_THREADS, else 1 (so `--jobs N` processes use N
    cores; on small models N processes at one thread scale better than one at N threads)."""
    value = os.environ.get(THREADS_ENV, "1")
    if not value.isdigit() or int(value) < 1:
        raise PuzzleError(f"The environment variable {THREADS_ENV} is {value!r}, not a whole number of threads; set "
                          f"it to 1 or more (e.g. {THREADS_ENV}=2), or unset it for one thread a process.")
    return int(value)




@dataclass(frozen=True)
class Job:
    solver: str  # submission folder or baseline key
    display_name: str  # shown on the pages
    method: str  # human | automated | baseline
    link: str | None  # the submission's link
    puzzle: str  # puzzle name
    module: str | None  # hypothesis module path (submissions); None for baselines
    submission_sha256: str  # every file of the submission folder (baselines: kind, version, size)
    problem: str | None = None  # set when the submission cannot be graded (bad metadata)
    reference_size: int | None = None  # baselines: units in the reference circuit
    budget_s: float | None = GRADE_BUDGET_S  # the grading process's time on this job
    call_timeout_s: float = CALL_TIMEOUT_S  # the sandboxed worker's wall-clock limit per hypothesis-function call
    checkpoint: str | None = None  # grade this checkpoint file instead of the declared one (a Ray node's copy)
    sample: Sample | None = None  # the grading sample (harness.leaderboard.heldout); None: the puzzle's public seed

    def sample_of(self, decl: Declaration) -> Sample:
        return self.sample or public(decl)

    @property
    def declaration(self) -> Declaration:
        return load_declaration_by_name(self.puzzle)

    def identity(self, decl: Declaration | None = None) -> Identity:
        """What this job grades under: its result is reused while this stays the same."""
        decl = decl or self.declaration
        sha = _sha256_of(_file_key(Path(self.checkpoint))) if self.checkpoint else checkpoint_sha(decl)
        return Identity(puzzle_version=decl.version, checkpoint_sha256=sha,
                        submission_sha256=self.submission_sha256, harness_version=__version__,
                        sample=self.sample_of(decl).label)


def _checkpoint_file(decl: Declaration) -> Path | None:
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


def checkpoint_sha(decl: Declaration) -> str | None:
    """The sha256 of the checkpoint file as it is now (not as declared): results are keyed on what was read."""
    path = _checkpoint_file(decl)
    return None if path is None else _sha256_of(_file_key(path))


@lru_cache(maxsize=16)
def _cached_puzzle(name: str, root: str, checkpoint: tuple, other: str | None):
    from ..puzzle import load_puzzle

    return load_puzzle(name, checkpoint=other)


@lru_cache(maxsize=2)
def _cached_sample(puzzle, seed: int):
    """The puzzle's grading sample (clean runs) for `seed`, prepared once per process and shared by every job on it."""
    from ..grading.grader import exhaustive_n, prepare_sample

    spec = puzzle.declaration.grading
    return prepare_sample(puzzle, seed, exhaustive_n(puzzle) or spec.n)


def _puzzle(decl: Declaration, other: str | None = None):
    checkpoint = Path(other) if other else _checkpoint_file(decl)
    return _cached_puzzle(decl.name, str(puzzles_dir()), _file_key(checkpoint), other)


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
    from ..hypothesis import HypothesisError

    if isinstance(exc, SubmissionError):
        return "harness" if getattr(exc, "reason", None) in HARNESS_REASONS else "submission"
    if isinstance(exc, (HypothesisError, GradeBudgetExceeded)):
        return "submission"
    return "harness"


def run_job(job: Job) -> ResultRecord:
    """Grade one (submission, puzzle); never raises: failures become an error record."""
    import torch

    from ..grader import grade
    from ..hypothesis import HypothesisError
    from .baselines import baseline_hypothesis

    torch.set_num_threads(grading_threads())
    start = time.perf_counter()
    decl = job.declaration
    outcome = dict(status="ok", error=None, error_source=None, solved=False, score=0.0, parts={}, claims=[],
                   failures=[], n=decl.grading.n, description_bytes=None)  # n: the rows graded (every input, on an exhaustive puzzle)
    what = shown(job.module) if job.module else f"baseline {job.solver}"
    try:
        if job.problem:
            raise HypothesisError(job.problem)
        puzzle = _puzzle(decl, job.checkpoint)
        sample = _cached_sample(puzzle, job.sample_of(decl).seed)
        with _time_budget(job.budget_s, what):
            if job.module is None:
                hypothesis = baseline_hypothesis(job.solver, puzzle, sample.seed, job.reference_size)
                if hypothesis is None:
                    raise HypothesisError("This baseline needs the reference's circuit size, and the reference has "
                                          "no graded circuit claim for this puzzle.")
                report = grade(hypothesis, puzzle=puzzle, sample=sample, seed=sample.seed)
            else:
                report = grade(Path(job.module), puzzle=puzzle, sample=sample, seed=sample.seed,
                               sandbox={"call_timeout_s": job.call_timeout_s})
        data = report.to_dict()
        outcome.update({k: data[k] for k in ("solved", "score", "parts", "claims", "failures", "n", "description_bytes")})
    except (Exception, GradeBudgetExceeded) as exc:  # noqa: BLE001 - one bad submission must never take down the run
        message = str(exc) if isinstance(exc, (HypothesisError, GradeBudgetExceeded)) else f"{exc.__class__.__name__}: {exc}"
        if job.module and not job.problem and job.module not in message:
            message = f"{what}: {message}"  # every message names the file
        outcome.update(status="error", error=message, error_source=_error_source(exc))
    record = dict(schema_version=SCHEMA_VERSION, solver=job.solver, display_name=job.display_name, method=job.method,
                  link=job.link, puzzle=job.puzzle, **asdict(job.identity(decl)), ablation=decl.grading.ablation,
                  grading_seed=job.sample_of(decl).seed if job.sample_of(decl).public else None,
                  **outcome, seconds=round(time.perf_counter() - start, 3),
                  packages=package_versions(), git_commit=git_commit(REPO_ROOT), date=now())
    # read through the schema: the record a job returns is exactly what the store writes and reads back
    return ResultRecord.from_dict(clean(record), where=f"result of {what}")
