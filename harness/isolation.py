"""Grade a submission without importing it: its module runs in a worker process (harness.worker) of its own.

    with IsolatedSubmission("solutions/ada/bigram_0l.py") as sub:
        report = grade(sub.hypothesis(), puzzle=puzzle, call=sub.call)

    report = grade_isolated("solutions/ada/bigram_0l.py", puzzle)   # the same, in one call

The worker runs under a memory limit (RLIMIT_AS), a file-size limit, a CPU-time limit and wall-clock deadlines,
in an empty working directory that is removed afterwards; where bubblewrap works, inside its own PID and network
namespaces with a minimal file system, a disk cap, a process/thread cap and a clean environment (harness.sandbox),
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

import base64
import json
import math
import os
import selectors
import signal
import struct
import time
import weakref
from pathlib import Path
from typing import Any

import numpy as np

from .errors import SubmissionError
from .hypothesis import FUNCTION_FIELDS, Hypothesis
from .wire import WireError, from_wire
from .sandbox import start_worker

GiB = 2**30
MiB = 2**20
ARRAY_DTYPES = ("bool", "int8", "int16", "int32", "int64", "uint8", "float32", "float64")
MAX_ELEMENTS = 50_000_000  # per returned array
MAX_DIMS = 32
MAX_SPEC_BYTES = 16 * MiB
MAX_REPLY_BYTES = MAX_ELEMENTS * 8 * 4 // 3 + MiB  # the largest array, base64-encoded, plus its JSON
MAX_ERROR_CHARS = 2000
STDERR_TAIL_BYTES = 1500
CRASH_SIGNALS = {"SIGSEGV", "SIGBUS", "SIGILL", "SIGFPE", "SIGSYS", "SIGTRAP"}
MAX_CLAIMS = 1000  # per hypothesis, and component names over all its claims: the grading process's work
MAX_TOTAL_NAMES = 10_000  # on one submission grows with them



class _Malformed(Exception):
    """Internal: a frame from the worker does not have the expected shape."""


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


# --- arrays on the wire ---------------------------------------------------------------------------------------

def encode_array(value: Any) -> dict:
    arr = np.asarray(value)
    kind = arr.dtype.kind
    if kind == "b":
        arr = arr.astype(np.bool_, copy=False)
    elif kind in "iu" and arr.dtype.name not in ARRAY_DTYPES:
        arr = arr.astype(np.int64)
    elif kind == "f" and arr.dtype.name not in ARRAY_DTYPES:
        arr = arr.astype(np.float64)
    elif kind not in "biuf":
        raise TypeError(f"cannot send an array of dtype {arr.dtype} to a submission; send numbers")
    data = np.ascontiguousarray(arr, dtype=arr.dtype.newbyteorder("<")).tobytes()
    return {"__ndarray__": {"dtype": arr.dtype.name, "shape": [int(s) for s in arr.shape],
                            "b64": base64.b64encode(data).decode("ascii")}}


def decode_array(obj: Any) -> np.ndarray:
    """A worker's array, checked strictly: known dtype, sane shape, exactly the right number of bytes."""
    if type(obj) is not dict or set(obj) != {"__ndarray__"} or type(obj["__ndarray__"]) is not dict:
        raise _Malformed("the result is not an encoded array")
    spec = obj["__ndarray__"]
    if set(spec) != {"dtype", "shape", "b64"}:
        raise _Malformed(f"the encoded array has keys {sorted(spec)[:5]}")
    name, shape, b64 = spec["dtype"], spec["shape"], spec["b64"]
    if type(name) is not str or name not in ARRAY_DTYPES:
        raise _Malformed(f"the array dtype {str(name)[:40]!r} is not one of {', '.join(ARRAY_DTYPES)}")
    if type(shape) is not list or len(shape) > MAX_DIMS or any(type(s) is not int or s < 0 for s in shape):
        raise _Malformed("the array shape is not a list of non-negative integers")
    size = math.prod(shape)
    if size > MAX_ELEMENTS:
        raise _Malformed(f"the array has {size} elements; at most {MAX_ELEMENTS} are accepted")
    if type(b64) is not str:
        raise _Malformed("the array data is not a base64 string")
    try:
        raw = base64.b64decode(b64, validate=True)
    except ValueError as exc:
        raise _Malformed(f"the array data is not valid base64 ({exc})") from None
    dtype = np.dtype(name)
    if len(raw) != size * dtype.itemsize:
        raise _Malformed(f"the array data has {len(raw)} bytes; shape {shape} of {name} needs {size * dtype.itemsize}")
    if name == "bool" and raw.translate(None, b"\x00\x01"):
        raise _Malformed("the bool array holds bytes other than 0 and 1")
    return np.frombuffer(raw, dtype=dtype.newbyteorder("<")).reshape(shape).astype(dtype)  # native, writable, owned


def _reject_constant(name: str) -> None:
    raise _Malformed(f"the frame contains {name}, which is not JSON")


def _loads(data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8"), parse_constant=_reject_constant)
    except _Malformed:
        raise
    except (ValueError, RecursionError) as exc:
        raise _Malformed(f"the frame is not valid UTF-8 JSON ({str(exc)[:100]})") from None


# --- the spec -> a Hypothesis ------------------------------------------------------------------------------------

def build_hypothesis(spec: Any, path: Path) -> Hypothesis:
    """The Hypothesis a worker described, with RemoteFunction stubs; _Malformed for anything unexpected."""
    try:
        return from_wire(spec, lambda index, kind, field: RemoteFunction(path, index, kind, field))
    except WireError as exc:
        raise _Malformed(str(exc)) from None


# --- the worker process (started and ended by harness.sandbox) ----------------------------------------------

def _size(n: int) -> str:
    return f"{n / GiB:g} GiB" if n >= GiB else f"{n / MiB:g} MiB"


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
        phase = f"while running claim {index} ({kind}) `{field}`"
        deadline, limit = self._deadline(self.call_timeout_s)
        request = {"claim": index, "field": field, "args": [encode_array(a) for a in arrays]}
        self._send(request, deadline, limit, phase)
        reply = self._receive(deadline, limit, MAX_REPLY_BYTES, phase)
        try:
            if type(reply) is not dict or type(reply.get("ok")) is not bool:
                raise _Malformed("the reply has no ok flag")
            if reply["ok"]:
                if set(reply) != {"ok", "result"}:
                    raise _Malformed(f"the reply has keys {sorted(reply)[:10]}")
                return decode_array(reply["result"])
            if type(reply.get("error")) is not str:
                raise _Malformed("the error reply has no error message")
            error = reply["error"][:MAX_ERROR_CHARS]
            if reply.get("fatal") is True:
                self._fatal(error, phase)
            if set(reply) != {"ok", "error"}:
                raise _Malformed(f"the error reply has keys {sorted(reply)[:10]}")
        except _Malformed as exc:
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
                self._send({"op": "quit"}, deadline, 0.5, "while closing", quiet=True)
                worker.exited(0.5)
            except (SubmissionError, OSError):
                pass
        self._finalizer()

    # --- internals --------------------------------------------------------------------------------------------------

    def _deadline(self, per_step: float) -> tuple[float, float]:
        """(deadline, the limit it stands for): the step's own limit or what is left of the total, whichever is less."""
        now = time.monotonic()
        total_end = self._t0 + self.total_timeout_s
        if total_end < now + per_step:
            return total_end, -self.total_timeout_s  # negative: the total limit is the binding one
        return now + per_step, per_step

    def _load(self) -> None:
        if self.failure is not None:
            raise self.failure
        if self._closed:
            raise SubmissionError(f"{self.path}: this IsolatedSubmission is closed; open a new one.")
        if self.import_timeout_s <= self.total_timeout_s:  # both count from the worker's start
            deadline, limit = self._t0 + self.import_timeout_s, self.import_timeout_s
        else:
            deadline, limit = self._t0 + self.total_timeout_s, -self.total_timeout_s
        hello = self._receive(deadline, limit, MAX_SPEC_BYTES, "while starting (before importing the submission)")
        if type(hello) is not dict or hello.get("op") != "hello" or type(hello.get("sandbox")) is not dict:
            self._malformed("the worker did not introduce itself", "while starting")
        self.sandbox = hello["sandbox"]
        self.startup_s = time.monotonic() - self._t0
        phase = "while being imported"
        reply = self._receive(deadline, limit, MAX_SPEC_BYTES, phase)
        try:
            if type(reply) is not dict or type(reply.get("ok")) is not bool:
                raise _Malformed("the reply has no ok flag")
            if not reply["ok"]:
                if reply.get("fatal") is not True or type(reply.get("error")) is not str:
                    raise _Malformed("the import failure is not reported as fatal with an error message")
                self._fatal(reply["error"][:MAX_ERROR_CHARS], phase)
            if set(reply) != {"ok", "spec"}:
                raise _Malformed(f"the reply has keys {sorted(reply)[:10]}")
            self._hypothesis = build_hypothesis(reply["spec"], self.path)
        except _Malformed as exc:
            self._malformed(str(exc), phase)
        self._check_size(self._hypothesis)
        self._spec = reply["spec"]
        self.import_s = time.monotonic() - self._t0

    def _check_size(self, hypothesis: Hypothesis) -> None:
        """Cap what the grading process will work through for one submission (its cost grows with both)."""
        claims = hypothesis.claims
        names = sum(len(getattr(c, "components", None) or getattr(c, "explains", None) or []) + 1 for c in claims)
        if len(claims) > MAX_CLAIMS or names > MAX_TOTAL_NAMES:
            self._fail("size", f"{self.path} has {len(claims)} claims naming {names} components in all; at most "
                               f"{MAX_CLAIMS} claims and {MAX_TOTAL_NAMES} names are graded",
                       "State each claim once, and each component once per circuit.", stderr=False)

    def _send(self, message: dict, deadline: float, limit: float, phase: str, quiet: bool = False) -> None:
        data = json.dumps(message, separators=(",", ":")).encode("utf-8")
        view = memoryview(struct.pack(">I", len(data)) + data)
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

    def _receive(self, deadline: float, limit: float, max_bytes: int, phase: str) -> Any:
        fd = self._worker.proc.stdout.fileno()
        buffer = self._buffer
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            need = 4
            while True:
                if need == 4 and len(buffer) >= 4:
                    (length,) = struct.unpack(">I", bytes(buffer[:4]))
                    if length > max_bytes:
                        self._malformed(f"it announced a frame of {length} bytes (at most {max_bytes})", phase)
                    need = 4 + length
                if need > 4 and len(buffer) >= need:
                    body = bytes(buffer[4:need])
                    del buffer[:need]
                    try:
                        return _loads(body)
                    except _Malformed as exc:
                        self._malformed(str(exc), phase)
                if not selector.select(max(0.0, deadline - time.monotonic())):  # data already there still counts
                    self._timeout(limit, phase)
                chunk = os.read(fd, min(max(need - len(buffer), 1 << 16), 1 << 24))
                if not chunk:
                    self._died(phase)
                buffer += chunk

    # --- failures: each kills the worker and raises SubmissionError (remembered for later calls) ----------------

    def _fail(self, reason: str, what: str, advice: str, stderr: bool = True) -> None:
        """Kill and reap the worker, then raise (and remember) SubmissionError: "<what> (<stderr>). <advice>"."""
        self._worker.kill()
        self._worker.reap()
        tail = self._worker.stderr_tail(STDERR_TAIL_BYTES) if stderr else ""
        noise = ("harness/worker.py", "harness/worker_guard.py", "<frozen ", "Extension modules:", "Current thread")
        lines = [line.strip() for line in tail.splitlines() if line.strip() and not any(n in line for n in noise)][-6:]
        quoted = " / ".join(lines)
        quoted = quoted if len(quoted) <= 600 else "…" + quoted[-600:]
        error = SubmissionError(what + (f" (its stderr ended with: {quoted})" if quoted else "")
                                + (f". {advice}" if advice else "."), path=self.path, reason=reason, stderr=tail)
        self.failure = error
        raise error

    def _timeout(self, limit: float, phase: str) -> None:
        if limit < 0:
            what = f"{self.path} used up its total time limit of {-limit:g} s {phase}"
        else:
            what = f"{self.path} did not answer within {limit:g} s (wall-clock limit) {phase}"
        advice = ("make its module-level code faster (no training or long computation at import)"
                  if phase == "while being imported" else
                  "make its functions faster (vectorise with numpy, precompute tables once)")
        self._fail("timeout", what, f"The worker was killed; {advice}, or look for an endless loop.")

    def _died(self, phase: str) -> None:
        """The worker closed its end of the channel: find out how it ended and say so."""
        worker = self._worker
        if not worker.exited(5.0):
            self._fail("closed", f"{self.path} closed the grader's channel {phase} but kept running",
                       "The worker was killed; do not close or write to file descriptors you did not open.")
        code = worker.reap()
        if phase.startswith("while starting"):
            self._fail("worker", f"The grading worker for {self.path} ended with exit status {code} before it "
                                 "imported the submission",
                       "This is a problem with the harness or its environment, not with the submission.")
        limit = _size(self.memory_bytes)
        cpu_out = worker.cpu_s is not None and worker.cpu_s >= self.cpu_seconds - 0.05
        if code is not None and code < 0 and (code == -signal.SIGXCPU or (code == -signal.SIGKILL and cpu_out)):
            self._fail("cpu", f"{self.path} used up its CPU-time limit of {self.cpu_seconds} s {phase} (CPU time counts "
                              "every thread, background ones too)",
                       "Compute less: no training or long loops in the submission, and no background threads.")
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            if name in CRASH_SIGNALS:
                self._fail("signal", f"{self.path} was killed by signal {name} {phase}: a crash in native code",
                           "Fix the crash (ctypes, a C extension, or a bad pointer or array access in one).")
            if name == "SIGKILL":
                self._fail("signal", f"{self.path} was killed by signal SIGKILL {phase}, most likely for running "
                                     f"out of memory (limit {limit}) or, having ignored SIGXCPU, out of CPU time "
                                     f"(limit {self.cpu_seconds} s)",
                           "Use less memory (smaller intermediate arrays, or compute in chunks) and less CPU time.")
            if name == "SIGABRT":
                self._fail("signal", f"{self.path} aborted (signal SIGABRT) {phase}: a C/C++ library gave up, often "
                                     f"after running out of memory (limit {limit})",
                           "Use less memory or fix the failing call.")
            if name == "SIGXFSZ":
                self._fail("signal", f"{self.path} was killed by signal SIGXFSZ {phase}: it wrote more than the "
                                     f"file-size limit of {_size(self.file_size_bytes)} (printing counts too)",
                           "Write and print less.")
            self._fail("signal", f"{self.path} was killed by signal {name} {phase}",
                       "A submission must not signal or kill its own process.")
        self._fail("exit", f"{self.path} exited with code {code} {phase} (it calls sys.exit or os._exit?)",
                   "A submission must never end its process; remove the call.")

    def _fatal(self, error: str, phase: str) -> None:
        """The worker reported an error it cannot go on after (an import failure, MemoryError)."""
        kind, _, text = error.partition(": ")
        if kind.endswith("MemoryError"):
            self._fail("memory", f"{self.path} ran out of memory (limit {_size(self.memory_bytes)}) {phase}"
                                 + (f" ({error})" if text.strip() else ""),
                       "Use less memory: smaller intermediate arrays, or compute in chunks.", stderr=False)
        if phase == "while being imported":
            if kind == "HypothesisError":  # load_hypothesis's own sentence names the file and the fix
                what = text.rstrip(".") if str(self.path) in text else f"{self.path} cannot be used: {text.rstrip('.')}"
                self._fail("import", what, "", stderr=False)
            hint = (" The grading worker allows no writes outside its own folder, no reading of checkpoints, no "
                    "programs, no network." if kind == "PermissionError" else "")
            self._fail("import", f"{self.path} raised {kind} on import: {text.rstrip('.')}",
                       f"Fix the module so that importing it defines `hypothesis` without errors.{hint}", stderr=False)
        self._fail("worker", f"{self.path} failed {phase}: {error}", "Fix the failing code.")

    def _malformed(self, what: str, phase: str) -> None:
        self._fail("protocol", f"{self.path} sent the grader a malformed reply {phase}: {what}",
                   "The worker was killed; its code may have written to the worker's private channel. Do not write "
                   "to file descriptors you did not open.")


def grade_isolated(path: Path | str, puzzle: Any = None, *, memory_bytes: int = 4 * GiB, import_timeout_s: float = 60,
                   call_timeout_s: float = 60, total_timeout_s: float = 600, **grade_kwargs: Any):
    """grade() a submission module through an IsolatedSubmission; SubmissionError when the worker fails."""
    from .grader import grade

    with IsolatedSubmission(path, memory_bytes=memory_bytes, import_timeout_s=import_timeout_s,
                            call_timeout_s=call_timeout_s, total_timeout_s=total_timeout_s) as submission:
        report = grade(submission.hypothesis(), puzzle=puzzle, call=submission.call, **grade_kwargs)
        if submission.failure is not None:  # in case a grader swallowed it: a failed worker is never a score
            raise submission.failure
    return report
