"""Where the leaderboard's jobs run: `local` (this process, or a pool of `--jobs N` processes) or `ray` (one Ray
task per job, `num_cpus=1`, on a local cluster of N CPUs or on the cluster at `--address`).

Every backend runs the same `run_job` on the same jobs and yields the records as they finish; the driver alone
writes results and pages, so a run's output does not depend on where its jobs ran. A Ray task carries what a node
may not have: the submission folder's files (materialised in a private folder when the node's copy differs or is
missing) and the puzzle's checkpoint bytes, put once in the object store (used only when the node's own checkpoint
file differs; the record's checkpoint hash is then that of the bytes graded). The submission is still sandboxed
inside the task, exactly as in a local worker.
"""

from __future__ import annotations

import dataclasses
import hashlib
import tempfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager, nullcontext
from multiprocessing import get_context
from pathlib import Path
from typing import Callable, Iterator

from ..errors import PuzzleError
from ..sandbox.files import folder_files, write_files
from .jobs import Job, checkpoint_sha, run_job
from .record import ResultRecord
from .submissions import folder_digest

BACKENDS = ("local", "ray")
Run = Callable[[Job], ResultRecord]


def run_local(todo: list[Job], run: Run, n_jobs: int, initializer: Callable[..., None] | None = None,
              initargs: tuple = ()) -> Iterator[ResultRecord]:
    """In this process (n_jobs <= 1) or a spawn pool of n_jobs processes; records in completion order. Run in this
    process, the jobs set torch's thread count (`grading_threads`); the caller's is restored afterwards."""
    if n_jobs <= 1:
        import torch

        before = torch.get_num_threads()
        try:
            for job in todo:
                yield run(job)
        finally:
            torch.set_num_threads(before)
        return
    with ProcessPoolExecutor(max_workers=n_jobs, mp_context=get_context("spawn"), initializer=initializer,
                             initargs=initargs) as pool:
        for future in as_completed([pool.submit(run, job) for job in todo]):
            yield future.result()


@contextmanager
def ray_session(n_jobs: int, address: str | None = None) -> Iterator[None]:
    """Ray initialised for the block (a local cluster of n_jobs CPUs, or the cluster at `address`), then shut
    down, unless the caller had initialised it already."""
    try:
        import ray
    except ImportError:
        raise PuzzleError("The ray backend needs Ray, which is not installed. Install it with "
                          "`pip install interp-puzzles[ray]` (or `pip install ray`), or use --backend local.") from None
    started = not ray.is_initialized()
    if started:
        ray.init(address=address, num_cpus=None if address else max(1, n_jobs), include_dashboard=False,
                 log_to_driver=False, configure_logging=False)
    try:
        yield
    finally:
        if started:
            ray.shutdown()


def run_ray(todo: list[Job], n_jobs: int, address: str | None = None) -> Iterator[ResultRecord]:
    """One Ray task per job (num_cpus=1), in a `ray_session`; records in completion order."""
    with ray_session(n_jobs, address):
        import ray

        task = ray.remote(num_cpus=1, max_retries=0)(on_node)
        checkpoints = {}
        for job in todo:
            if job.puzzle not in checkpoints:
                path = _checkpoint_path(job)
                checkpoints[job.puzzle] = ray.put(path.read_bytes() if path else None)
        pending = {task.remote(job, _files(job), checkpoints[job.puzzle]): job for job in todo}
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1)
            for ref in done:
                pending.pop(ref)
                yield ray.get(ref)


def on_node(job: Job, files: list[tuple[str, bytes]] | None, checkpoint: bytes | None) -> ResultRecord:
    """Run one job where it landed: the node's own submission folder and checkpoint when they are the ones the
    driver hashed, else private copies of the driver's (the grade itself is `run_job`, unchanged)."""
    with tempfile.TemporaryDirectory(prefix="interp-puzzles-task-") as private:
        if job.module and files is not None and not _same_folder(Path(job.module).parent, job.submission_sha256):
            folder = Path(private) / Path(job.module).parent.name
            write_files(files, folder)
            job = dataclasses.replace(job, module=str(folder / Path(job.module).name))
        if checkpoint is not None and checkpoint_sha(job.declaration) != hashlib.sha256(checkpoint).hexdigest():
            path = Path(private) / "checkpoint.safetensors"
            path.write_bytes(checkpoint)
            job = dataclasses.replace(job, checkpoint=str(path))
        return run_job(job)


def _same_folder(folder: Path, digest: str) -> bool:
    try:
        return folder.is_dir() and folder_digest(folder_files(folder)) == digest
    except Exception:  # noqa: BLE001 - unreadable here: use the driver's copy
        return False


def _files(job: Job) -> list[tuple[str, bytes]] | None:
    """The submission folder's files as the driver reads them (None for baselines and unreadable folders)."""
    if not job.module or job.problem:
        return None
    try:
        return folder_files(Path(job.module).parent)
    except Exception:  # noqa: BLE001 - run_job reports the folder's problem the usual way
        return None


def _checkpoint_path(job: Job) -> Path | None:
    decl = job.declaration
    return decl.folder / decl.checkpoint.file if decl.checkpoint else None


def session(backend: str, n_jobs: int, address: str | None = None):
    """What a whole leaderboard run holds open: a Ray session for the ray backend (one cluster start for
    submissions and baselines), nothing for the local one."""
    return ray_session(n_jobs, address) if backend == "ray" else nullcontext()


__all__ = ["BACKENDS", "on_node", "ray_session", "run_local", "run_ray", "session"]
