"""Grade a submission without importing it: its module runs in a worker process (harness.sandbox.worker) of its own.

    with IsolatedSubmission("solutions/ada/bigram_0l.py") as sub:
        report = grade(sub.hypothesis(), puzzle=puzzle, call=sub.call)

    report = grade_isolated("solutions/ada/bigram_0l.py", puzzle)   # the same, in one call

The worker runs under a memory limit (RLIMIT_AS), a file-size limit, a CPU-time limit and wall-clock deadlines,
in an empty working directory that is removed afterwards; where bubblewrap works, inside its own PID and network
namespaces with a minimal file system, a disk cap, a process/thread cap and a clean environment (harness.sandbox.process),
otherwise in a session (process group) of its own that is killed as a whole. Only plain data comes back: the
hypothesis as JSON, rebuilt here with strict validation and with stub
functions, and the arrays its functions return, decoded strictly (whitelisted dtypes, bounded size). This
process never imports the submission, so nothing it does to numpy, torch or harness reaches the grader.

A function that raises an ordinary exception makes `call` raise RuntimeError (the grader records one failed
claim). Anything that ends or breaks the worker - a timeout, running out of memory, a crash, an exit, an
import error, a malformed reply - raises SubmissionError with a sentence naming the file, what happened and
what to do; after that every further call raises the same error at once.
"""

from __future__ import annotations

import math
import os
import selectors
import time
import weakref
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import SubmissionError, WireError
from ..hypothesis import FUNCTION_FIELDS, Hypothesis
from ..wire import from_wire
from . import failures
from .failures import Failure, Limit, Step
from .process import start_worker
from .protocol import (HEADER_BYTES, MAX_ERROR_CHARS, MAX_REPLY_BYTES, MAX_SPEC_BYTES, Codec, GiB, Malformed, MiB,
                       Phase)

STDERR_TAIL_BYTES = 1500
MAX_CLAIMS = 1000  # per hypothesis, and component names over all its claims: the grading process's work
MAX_TOTAL_NAMES = 10_000  # on one submission grows with them
STDERR_NOISE = ("harness/sandbox/", "<frozen ", "Extension modules:", "Current thread")  # not the submission's lines


class RemoteFunction:
    """Stands in for a submission's function in the rebuilt Hypothesis; the function itself lives in the worker."""

    def __init__(self, path: Path, index: int, kind: str, field: str) -> None:
        self.path, self.index, self.kind, self.field = path, index, kind, field
        self.__name__ = f"{field}_of_claim_{index}"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"`{self.field}` of claim {self.index} ({self.kind}) in {self.path} runs only inside its "
                           "isolated worker. Grade with call=IsolatedSubmission.call (or use grade_isolated).")

    def __repr__(self) -> str:
        return f"<remote {self.field} of claim {self.index} ({self.kind}) in {self.path.name}>"


# --- the spec -> a Hypothesis ------------------------------------------------------------------------------------

def build_hypothesis(spec: Any, path: Path) -> Hypothesis:
    """The Hypothesis a worker described, with RemoteFunction stubs; Malformed for anything unexpected."""
    try:
        return from_wire(spec, lambda index, kind, field: RemoteFunction(path, index, kind, field))
    except WireError as exc:
        raise Malformed(str(exc)) from None


class IsolatedSubmission:
    """A submission module running in its own worker process; see the module docstring.

    hypothesis() -> the Hypothesis (stub functions); call(index, field, arrays) -> np.ndarray (a claims.CallFn);
    close() ends the worker (also on leaving a `with` block and on garbage collection). Timeouts are wall-clock
    seconds from the worker's start (import, total) or from the request (call); cpu_seconds is the worker's CPU
    time over its whole life (all threads and processes). kernel_sandbox=False skips Landlock and leaves only the
    audit hook (for tests of the hook; never for grading). bubblewrap: True requires it, False runs without it,
    None (default) uses it where it works; disk_bytes caps its working directory and max_processes its processes
    and threads (both under bubblewrap only).
    """

    def __init__(self, path: Path | str, *, memory_bytes: int = 4 * GiB, import_timeout_s: float = 60,
                 call_timeout_s: float = 60, total_timeout_s: float = 600, file_size_bytes: int = 64 * MiB,
                 cpu_seconds: int = 120, disk_bytes: int = 128 * MiB, max_processes: int = 64,
                 kernel_sandbox: bool = True, bubblewrap: bool | None = None) -> None:
        self.path = Path(os.path.abspath(path))
        self.memory_bytes, self.file_size_bytes = int(memory_bytes), int(file_size_bytes)
        self.cpu_seconds = max(1, int(math.ceil(cpu_seconds)))
        self.import_timeout_s, self.call_timeout_s, self.total_timeout_s = import_timeout_s, call_timeout_s, total_timeout_s
        self.sandbox: dict[str, Any] = {}  # what the worker reported enforcing before it imported the submission
        self.failure: SubmissionError | None = None  # set once the worker failed; every later call raises it
        self.startup_s: float | None = None  # process start -> worker ready (before importing the submission)
        self.import_s: float | None = None  # process start -> hypothesis received
        self._spec: dict | None = None
        self._hypothesis: Hypothesis | None = None
        self._closed = False
        self._buffer = bytearray()
        self._codec = Codec()

        args = ["--memory", str(self.memory_bytes), "--fsize", str(self.file_size_bytes), "--cpu", str(self.cpu_seconds),
                "--nproc", str(int(max_processes))] + ([] if kernel_sandbox else ["--no-landlock"])
        self._t0 = time.monotonic()
        self._worker = start_worker(self.path, args, disk_bytes=disk_bytes, sandbox=bubblewrap)
        proc = self._worker.proc
        self._finalizer = weakref.finalize(self, self._worker.cleanup)
        os.set_blocking(proc.stdin.fileno(), False)
        self.pid = proc.pid

    # --- public API ---------------------------------------------------------------------------------------------

    def __enter__(self) -> IsolatedSubmission:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def hypothesis(self) -> Hypothesis:
        """The submission's hypothesis, rebuilt from the worker's description (its functions are stubs)."""
        if self._hypothesis is None:
            self._load()
        return self._hypothesis

    def call(self, index: int, field: str, arrays: tuple[np.ndarray, ...]) -> np.ndarray:
        """Run claim `index`'s function `field` on `arrays` in the worker (harness.grading.context.CallFn)."""
        hypothesis = self.hypothesis()
        if not (type(index) is int and 0 <= index < len(hypothesis.claims)):
            raise ValueError(f"There is no claim {index!r} in {self.path} (it has {len(hypothesis.claims)}).")
        kind = hypothesis.claims[index].kind
        if field not in FUNCTION_FIELDS.get(kind, ()):
            raise ValueError(f"Claim {index} of {self.path} is a {kind} claim, which has no function `{field}`.")
        if self.failure is not None:
            raise self.failure
        if self._closed:
            raise SubmissionError(f"{self.path}: this IsolatedSubmission is closed; open a new one to call it.")
        phase = Step(Phase.CALL, f"claim {index} ({kind}) `{field}`")
        deadline, limit = self._deadline(self.call_timeout_s)
        request = {"claim": index, "field": field, "args": [self._codec.encode(a) for a in arrays]}
        self._send(request, deadline, limit, phase)
        reply = self._receive(deadline, limit, MAX_REPLY_BYTES, phase)
        try:
            if type(reply) is not dict or type(reply.get("ok")) is not bool:
                raise Malformed("the reply has no ok flag")
            if reply["ok"]:
                if set(reply) != {"ok", "result"}:
                    raise Malformed(f"the reply has keys {sorted(reply)[:10]}")
                return self._codec.decode(reply["result"])
            if type(reply.get("error")) is not str:
                raise Malformed("the error reply has no error message")
            error = reply["error"][:MAX_ERROR_CHARS]
            if reply.get("fatal") is True:
                self._fatal(error, phase)
            if set(reply) != {"ok", "error"}:
                raise Malformed(f"the error reply has keys {sorted(reply)[:10]}")
        except Malformed as exc:
            self._malformed(str(exc), phase)
        raise RuntimeError(error)  # the function raised: the grader turns this into one failed claim

    def close(self) -> None:
        """End the worker (politely if it is healthy, then SIGKILL its process group), reap it, remove its folder."""
        if self._closed:
            return
        self._closed = True
        worker = self._worker
        if self.failure is None and not worker.exited():
            try:
                deadline = time.monotonic() + 0.5
                self._send({"op": "quit"}, deadline, Limit(0.5), Step(Phase.CLOSE), quiet=True)
                worker.exited(0.5)
            except (SubmissionError, OSError):
                pass
        self._finalizer()

    # --- internals --------------------------------------------------------------------------------------------------

    def _deadline(self, per_step: float) -> tuple[float, Limit]:
        """(deadline, the limit it stands for): the step's own limit or what is left of the total, whichever is less."""
        now = time.monotonic()
        total_end = self._t0 + self.total_timeout_s
        if total_end < now + per_step:
            return total_end, Limit(self.total_timeout_s, total=True)
        return now + per_step, Limit(per_step)

    def _load(self) -> None:
        if self.failure is not None:
            raise self.failure
        if self._closed:
            raise SubmissionError(f"{self.path}: this IsolatedSubmission is closed; open a new one.")
        if self.import_timeout_s <= self.total_timeout_s:  # both count from the worker's start
            deadline, limit = self._t0 + self.import_timeout_s, Limit(self.import_timeout_s)
        else:
            deadline, limit = self._t0 + self.total_timeout_s, Limit(self.total_timeout_s, total=True)
        hello = self._receive(deadline, limit, MAX_SPEC_BYTES, Step(Phase.START))
        if type(hello) is not dict or hello.get("op") != "hello" or type(hello.get("sandbox")) is not dict:
            self._malformed("the worker did not introduce itself", Step(Phase.START))
        self.sandbox = hello["sandbox"]
        self.startup_s = time.monotonic() - self._t0
        phase = Step(Phase.IMPORT)
        reply = self._receive(deadline, limit, MAX_SPEC_BYTES, phase)
        try:
            if type(reply) is not dict or type(reply.get("ok")) is not bool:
                raise Malformed("the reply has no ok flag")
            if not reply["ok"]:
                if reply.get("fatal") is not True or type(reply.get("error")) is not str:
                    raise Malformed("the import failure is not reported as fatal with an error message")
                self._fatal(reply["error"][:MAX_ERROR_CHARS], phase)
            if set(reply) != {"ok", "spec"}:
                raise Malformed(f"the reply has keys {sorted(reply)[:10]}")
            self._hypothesis = build_hypothesis(reply["spec"], self.path)
        except Malformed as exc:
            self._malformed(str(exc), phase)
        self._check_size(self._hypothesis)
        self._spec = reply["spec"]
        self.import_s = time.monotonic() - self._t0

    def _check_size(self, hypothesis: Hypothesis) -> None:
        """Cap what the grading process will work through for one submission (its cost grows with both)."""
        claims = hypothesis.claims
        names = sum(len(getattr(c, "components", None) or getattr(c, "explains", None) or []) + 1 for c in claims)
        if len(claims) > MAX_CLAIMS or names > MAX_TOTAL_NAMES:
            self._fail(Failure("size", f"{self.path} has {len(claims)} claims naming {names} components in all; at most "
                                       f"{MAX_CLAIMS} claims and {MAX_TOTAL_NAMES} names are graded",
                               "State each claim once, and each component once per circuit.", stderr=False))

    def _send(self, message: dict, deadline: float, limit: Limit, phase: Step, quiet: bool = False) -> None:
        view = memoryview(self._codec.frame(message))
        fd = self._worker.proc.stdin.fileno()
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_WRITE)
            while view:
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    if quiet:
                        return
                    self._timeout(limit, phase)
                try:
                    view = view[os.write(fd, view):]
                except BlockingIOError:
                    continue
                except (BrokenPipeError, ConnectionResetError):
                    if quiet:
                        return
                    self._died(phase)

    def _receive(self, deadline: float, limit: Limit, max_bytes: int, phase: Step) -> Any:
        fd = self._worker.proc.stdout.fileno()
        buffer, head = self._buffer, HEADER_BYTES
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            need = head
            while True:
                if need == head and len(buffer) >= head:
                    length = self._codec.length(bytes(buffer[:head]))
                    if length > max_bytes:
                        self._malformed(f"it announced a frame of {length} bytes (at most {max_bytes})", phase)
                    need = head + length
                if need > head and len(buffer) >= need:
                    body = bytes(buffer[head:need])
                    del buffer[:need]
                    try:
                        return self._codec.parse(body)
                    except Malformed as exc:
                        self._malformed(str(exc), phase)
                if not selector.select(max(0.0, deadline - time.monotonic())):  # data already there still counts
                    self._timeout(limit, phase)
                chunk = os.read(fd, min(max(need - len(buffer), 1 << 16), 1 << 24))
                if not chunk:
                    self._died(phase)
                buffer += chunk

    # --- failures: each kills the worker and raises SubmissionError (remembered for later calls) ----------------

    def _fail(self, failure: Failure) -> None:
        """Kill and reap the worker, then raise (and remember) SubmissionError: "<what> (<stderr>). <advice>"."""
        self._worker.kill()
        self._worker.reap()
        tail = self._worker.stderr_tail(STDERR_TAIL_BYTES) if failure.stderr else ""
        lines = [line.strip() for line in tail.splitlines()
                 if line.strip() and not any(n in line for n in STDERR_NOISE)][-6:]
        quoted = " / ".join(lines)
        quoted = quoted if len(quoted) <= 600 else "…" + quoted[-600:]
        error = SubmissionError(failure.what + (f" (its stderr ended with: {quoted})" if quoted else "")
                                + (f". {failure.advice}" if failure.advice else "."),
                                path=self.path, reason=failure.reason, stderr=tail)
        self.failure = error
        raise error

    def _timeout(self, limit: Limit, phase: Step) -> None:
        self._fail(failures.timeout(self.path, limit, phase))

    def _died(self, phase: Step) -> None:
        """The worker closed its end of the channel: find out how it ended and say so."""
        if not self._worker.exited(5.0):
            self._fail(failures.kept_running(self.path, phase))
        code = self._worker.reap()
        self._fail(failures.died(self.path, code, self._worker.cpu_s, phase, memory_bytes=self.memory_bytes,
                                 cpu_seconds=self.cpu_seconds, file_size_bytes=self.file_size_bytes))

    def _fatal(self, error: str, phase: Step) -> None:
        self._fail(failures.fatal(self.path, error, phase, memory_bytes=self.memory_bytes))

    def _malformed(self, what: str, phase: Step) -> None:
        self._fail(failures.malformed(self.path, what, phase))


def grade_isolated(path: Path | str, puzzle: Any = None, *, memory_bytes: int = 4 * GiB, import_timeout_s: float = 60,
                   call_timeout_s: float = 60, total_timeout_s: float = 600, **grade_kwargs: Any):
    """grade() a submission module through an IsolatedSubmission with these limits (what grade(path) does)."""
    from ..grading import grade

    return grade(Path(path), puzzle=puzzle, **grade_kwargs,
                 sandbox=dict(memory_bytes=memory_bytes, import_timeout_s=import_timeout_s,
                              call_timeout_s=call_timeout_s, total_timeout_s=total_timeout_s))
