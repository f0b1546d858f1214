"""Why a worker failed, as one sentence naming the file, what happened and what to do (pure functions).

Each returns a `Failure`; harness.sandbox.client kills the worker, appends the end of its stderr and raises it as
SubmissionError(reason=...). A reason of "worker" means the harness or its environment failed, not the submission.
"""

from __future__ import annotations

import signal
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from .protocol import GiB, MiB, Phase

CRASH_SIGNALS = {"SIGSEGV", "SIGBUS", "SIGILL", "SIGFPE", "SIGSYS", "SIGTRAP"}


@dataclass(frozen=True)
class Step:
    """What the worker was asked to do: a phase and, for a call, which function (e.g. "claim 3 (attention) `rule`")."""

    phase: Phase
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.phase.value} {self.detail}" if self.detail else self.phase.value


class Limit(NamedTuple):
    """The wall-clock limit a deadline stands for: a step's own, or what was left of the worker's total."""

    seconds: float
    total: bool = False


class Failure(NamedTuple):
    reason: str  # timeout | closed | worker | cpu | signal | exit | memory | import | protocol | size
    what: str  # the sentence: the file and what happened
    advice: str  # what to do about it
    stderr: bool = True  # quote the end of the worker's stderr


def size(n: int) -> str:
    return f"{n / GiB:g} GiB" if n >= GiB else f"{n / MiB:g} MiB"


def timeout(path: Path, limit: Limit, step: Step) -> Failure:
    if limit.total:
        what = f"{path} used up its total time limit of {limit.seconds:g} s {step}"
    else:
        what = f"{path} did not answer within {limit.seconds:g} s (wall-clock limit) {step}"
    advice = ("make its module-level code faster (no training or long computation at import)"
              if step.phase is Phase.IMPORT else
              "make its functions faster (vectorise with numpy, precompute tables once)")
    return Failure("timeout", what, f"The worker was killed; {advice}, or look for an endless loop.")


def kept_running(path: Path, step: Step) -> Failure:
    return Failure("closed", f"{path} closed the grader's channel {step} but kept running",
                   "The worker was killed; do not close or write to file descriptors you did not open.")


def died(path: Path, code: int | None, cpu_s: float | None, step: Step, *, memory_bytes: int, cpu_seconds: int,
         file_size_bytes: int) -> Failure:
    """The worker ended on its own: from its exit status (negative: the signal) and the CPU time it used."""
    if step.phase is Phase.START:
        return Failure("worker", f"The grading worker for {path} ended with exit status {code} before it imported the "
                                 "submission",
                       "This is a problem with the harness or its environment, not with the submission.")
    memory = size(memory_bytes)
    cpu_out = cpu_s is not None and cpu_s >= cpu_seconds - 0.05
    if code is not None and code < 0 and (code == -signal.SIGXCPU or (code == -signal.SIGKILL and cpu_out)):
        return Failure("cpu", f"{path} used up its CPU-time limit of {cpu_seconds} s {step} (CPU time counts every "
                              "thread, background ones too)",
                       "Compute less: no training or long loops in the submission, and no background threads.")
    if code is None or code >= 0:
        return Failure("exit", f"{path} exited with code {code} {step} (it calls sys.exit or os._exit?)",
                       "A submission must never end its process; remove the call.")
    try:
        name = signal.Signals(-code).name
    except ValueError:
        name = f"signal {-code}"
    if name in CRASH_SIGNALS:
        return Failure("signal", f"{path} was killed by signal {name} {step}: a crash in native code",
                       "Fix the crash (ctypes, a C extension, or a bad pointer or array access in one).")
    if name == "SIGKILL":
        return Failure("signal", f"{path} was killed by signal SIGKILL {step}, most likely for running out of memory "
                                 f"(limit {memory}) or, having ignored SIGXCPU, out of CPU time (limit {cpu_seconds} s)",
                       "Use less memory (smaller intermediate arrays, or compute in chunks) and less CPU time.")
    if name == "SIGABRT":
        return Failure("signal", f"{path} aborted (signal SIGABRT) {step}: a C/C++ library gave up, often after running "
                                 f"out of memory (limit {memory})", "Use less memory or fix the failing call.")
    if name == "SIGXFSZ":
        return Failure("signal", f"{path} was killed by signal SIGXFSZ {step}: it wrote more than the file-size limit "
                                 f"of {size(file_size_bytes)} (printing counts too)", "Write and print less.")
    return Failure("signal", f"{path} was killed by signal {name} {step}",
                   "A submission must not signal or kill its own process.")


def fatal(path: Path, error: str, step: Step, *, memory_bytes: int) -> Failure:
    """The worker reported an error it cannot go on after (an import failure, MemoryError): "ExcType: message"."""
    kind, _, text = error.partition(": ")
    if kind.endswith("MemoryError"):
        return Failure("memory", f"{path} ran out of memory (limit {size(memory_bytes)}) {step}"
                                 + (f" ({error})" if text.strip() else ""),
                       "Use less memory: smaller intermediate arrays, or compute in chunks.", stderr=False)
    if step.phase is Phase.IMPORT:
        if kind == "HypothesisError":  # load_hypothesis's own sentence names the file and the fix
            what = text.rstrip(".") if str(path) in text else f"{path} cannot be used: {text.rstrip('.')}"
            return Failure("import", what, "", stderr=False)
        hint = (" The grading worker allows no writes outside its own folder, no reading of checkpoints or of the "
                "submission's own folder, no importing torch, TransformerLens or the harness's model and grading code, "
                "no programs, no network." if kind == "PermissionError" else "")
        return Failure("import", f"{path} raised {kind} on import: {text.rstrip('.')}",
                       f"Fix the module so that importing it defines `hypothesis` without errors.{hint}", stderr=False)
    return Failure("worker", f"{path} failed {step}: {error}", "Fix the failing code.")


def malformed(path: Path, what: str, step: Step) -> Failure:
    return Failure("protocol", f"{path} sent the grader a malformed reply {step}: {what}",
                   "The worker was killed; its code may have written to the worker's private channel. Do not write to "
                   "file descriptors you did not open.")
