"""The isolated worker: imports ONE submission module and answers the grader's questions about it.

    python -m harness.worker [--memory BYTES] [--fsize BYTES] [--cpu SECONDS] [--nproc N] [--parent PID]
                             [--sandboxed] [--no-landlock] /abs/path/to/submission.py

Started by harness.isolation.IsolatedSubmission (never by hand in grading), in an empty working directory of
its own. Before the submission is imported the worker

  * lowers its own resource limits (address space, file size, CPU time, no core dumps; under bubblewrap also
    the number of processes and threads) and asks the kernel to kill it when its parent dies;
  * keeps private duplicates of its stdin/stdout for the protocol, points fd 1 at stderr and fd 0 at
    /dev/null, so that prints and input() in the submission cannot corrupt or consume the protocol;
  * (harness.worker_guard) where the kernel offers Landlock, restricts itself: no writes outside its working directory (and
    /dev/null), no reading the puzzles' checkpoints or the repository's .git, no executing programs, no TCP,
    no signals to processes outside the sandbox; when running as root it drops its capabilities;
  * installs an audit hook (sys.addaudithook) with the same policy for Python-level operations, plus no
    subprocesses, fork, exec, kill of other processes, rlimit changes, gc object walks, or sockets of any kind.

Under bubblewrap (harness.sandbox, --sandboxed) the worker also lives in its own PID and network namespaces with a
minimal read-only file system, a size-capped working directory and a clean environment.

Protocol (both directions): frames of a 4-byte big-endian length followed by that many bytes of UTF-8 JSON.
Arrays travel as {"__ndarray__": {"dtype": "int64", "shape": [2, 3], "b64": "<little-endian bytes>"}}
(dtypes: bool, int8, int16, int32, int64, uint8, float32, float64).

  worker -> {"op": "hello", "sandbox": {...}}                        before the submission is imported
  worker -> {"ok": true, "spec": {"puzzle", "description", "metadata", "claims": [...]}}
         or {"ok": false, "fatal": true, "error": "ExcType: message", "phase": "import"}   and exits
  parent -> {"claim": 1, "field": "predict", "args": [<array>, ...]}
  worker -> {"ok": true, "result": <array>}
         or {"ok": false, "error": "ExcType: message"}             (the function raised: not fatal)
         or {"ok": false, "fatal": true, "error": "MemoryError: ..."}   and exits
  parent -> {"op": "quit"}                                          the worker exits

Each claim in the spec: {"kind", "name", the claim's non-function fields as JSON (components, head, queries,
component, source, target, explains, basis), "functions": [names of its function fields that are given]}
(harness.wire derives it from the claim registry).

Everything here is defence in depth for the submission's *own* process; the grading process trusts nothing
the worker sends and validates every frame (harness.isolation). Native code (ctypes, C extensions) can get
around the audit hook; Landlock and the resource limits are enforced by the kernel.
"""

from __future__ import annotations

import os
import sys

ARRAY_DTYPES = ("bool", "int8", "int16", "int32", "int64", "uint8", "float32", "float64")
MAX_ELEMENTS = 50_000_000  # per array, both directions
MAX_REQUEST_BYTES = 1 << 30
ERROR_CHARS = 2000


# --- resource limits and process hygiene (first thing, before any heavy import) ---------------------------

def _limit_resources(memory: int | None, fsize: int | None, cpu: int | None = None, nproc: int | None = None) -> None:
    """RLIMIT_CPU gets a hard limit 2 s above the soft one: SIGXCPU first, SIGKILL if that is ignored."""
    import resource

    for limit, value, extra in ((resource.RLIMIT_AS, memory, 0), (resource.RLIMIT_FSIZE, fsize, 0),
                                (resource.RLIMIT_CORE, 0, 0), (resource.RLIMIT_CPU, cpu, 2),
                                (resource.RLIMIT_NPROC, nproc, 0)):
        if value is None:
            continue
        soft, hard = resource.getrlimit(limit)
        top = value + extra if hard == resource.RLIM_INFINITY else min(value + extra, hard)
        resource.setrlimit(limit, (min(value, top), top))


def _die_with_parent(parent: int | None) -> None:
    """PR_SET_PDEATHSIG: SIGKILL this worker when the process that started it dies."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG = 1
    except Exception:  # noqa: BLE001 - best effort; EOF on stdin also ends the worker
        return
    if parent is not None and os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


# --- the protocol ---------------------------------------------------------------------------------------------------

class _Channel:
    """Length-prefixed JSON frames over two private file descriptors. All helpers are bound at creation."""

    def __init__(self, fd_in: int, fd_out: int) -> None:
        import base64
        import json
        import struct

        import numpy as np

        self.fd_in, self.fd_out = fd_in, fd_out
        self._read, self._write = os.read, os.write
        self._dumps, self._loads = json.dumps, json.loads
        self._pack, self._unpack = struct.Struct(">I").pack, struct.Struct(">I").unpack
        self._b64encode, self._b64decode = base64.b64encode, base64.b64decode
        self._np = np
        self._asarray, self._frombuffer, self._ascontiguous = np.asarray, np.frombuffer, np.ascontiguousarray
        self._dtype = np.dtype
        self._prod = __import__("math").prod

    def send(self, message: dict) -> None:
        data = self._dumps(message, allow_nan=True, separators=(",", ":")).encode("utf-8")
        view = memoryview(self._pack(len(data)) + data)
        while view:
            view = view[self._write(self.fd_out, view):]

    def _exactly(self, n: int) -> bytes | None:
        chunks, left = [], n
        while left:
            chunk = self._read(self.fd_in, min(left, 1 << 20))
            if not chunk:
                return None
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def recv(self) -> dict | None:
        head = self._exactly(4)
        if head is None:
            return None
        (length,) = self._unpack(head)
        if length > MAX_REQUEST_BYTES:
            raise ValueError(f"request of {length} bytes")
        body = self._exactly(length)
        return None if body is None else self._loads(body.decode("utf-8"))

    def encode(self, value) -> dict:
        """A function's return value as a plain array; TypeError for what cannot be one."""
        np = self._np
        arr = self._asarray(value)
        kind = arr.dtype.kind
        if kind == "b":
            arr = arr.astype(np.bool_, copy=False)
        elif kind in "iu":
            if arr.dtype.name not in ARRAY_DTYPES:
                arr = arr.astype(np.int64)
        elif kind == "f":
            if arr.dtype.name not in ARRAY_DTYPES:
                arr = arr.astype(np.float64)
        else:
            raise TypeError(f"returned an array of dtype {arr.dtype}; return numbers (bool, int or float arrays)")
        if arr.size > MAX_ELEMENTS:
            raise ValueError(f"returned {arr.size} values; at most {MAX_ELEMENTS} can be sent to the grader")
        name = arr.dtype.name
        data = self._ascontiguous(arr, dtype=arr.dtype.newbyteorder("<")).tobytes()
        return {"__ndarray__": {"dtype": name, "shape": [int(s) for s in arr.shape],
                                "b64": self._b64encode(data).decode("ascii")}}

    def decode(self, obj) -> object:
        spec = obj["__ndarray__"]
        name, shape = spec["dtype"], [int(s) for s in spec["shape"]]
        if name not in ARRAY_DTYPES or self._prod(shape) > MAX_ELEMENTS:
            raise ValueError(f"bad array {name} {shape}")
        dtype = self._dtype(name).newbyteorder("<")
        arr = self._frombuffer(self._b64decode(spec["b64"]), dtype=dtype).reshape(shape)
        return arr.astype(self._dtype(name))  # native byte order, writable, owned


def _describe_error(exc: BaseException) -> str:
    """"ExcType: message"; for an import that load_hypothesis wrapped, the original exception's."""
    from .hypothesis import HypothesisError

    cause = exc.__cause__ if isinstance(exc, HypothesisError) and exc.__cause__ is not None else exc
    try:
        text = str(cause)
        if isinstance(cause, SyntaxError) and cause.lineno is not None:
            text = f"{cause.msg} (line {cause.lineno})"
    except Exception:  # noqa: BLE001 - a hostile __str__
        text = "<the exception's message could not be printed>"
    return f"{type(cause).__name__}: {text}"[:ERROR_CHARS]


def describe(hypothesis) -> tuple[dict, dict]:
    """The hypothesis as plain JSON data, and {(claim index, field): function} for the calls (harness.wire)."""
    from .wire import to_wire

    return to_wire(hypothesis)


def _serve(channel: _Channel, functions: dict) -> int:
    while True:
        message = channel.recv()
        if message is None or message.get("op") == "quit":
            return 0
        try:
            function = functions[(message["claim"], message["field"])]
            args = [channel.decode(a) for a in message["args"]]
        except Exception as exc:  # noqa: BLE001 - a bad request is the grader's bug, answered not fatal
            channel.send({"ok": False, "error": f"bad request: {exc.__class__.__name__}: {exc}"[:ERROR_CHARS]})
            continue
        try:
            reply = {"ok": True, "result": channel.encode(function(*args))}
        except MemoryError as exc:
            channel.send({"ok": False, "fatal": True, "phase": "call", "error": f"MemoryError: {exc}"[:ERROR_CHARS]})
            return 0
        except Exception as exc:  # noqa: BLE001 - the solver's function failed: one failed claim, not fatal
            reply = {"ok": False, "error": _describe_error(exc)}
        channel.send(reply)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    memory = fsize = parent = cpu = nproc = None
    landlock, sandboxed = True, False
    while argv and argv[0].startswith("--"):
        flag = argv.pop(0)
        if flag == "--no-landlock":  # tests of the audit hook alone
            landlock = False
            continue
        if flag == "--sandboxed":  # started by bubblewrap (harness.sandbox)
            sandboxed = True
            continue
        value = argv.pop(0)
        if flag == "--memory":
            memory = int(value)
        elif flag == "--fsize":
            fsize = int(value)
        elif flag == "--cpu":
            cpu = int(value)
        elif flag == "--nproc":
            nproc = int(value)
        elif flag == "--parent":
            parent = int(value)
        else:
            raise SystemExit(f"harness.worker: unknown option {flag}")
    if len(argv) != 1:
        raise SystemExit("usage: python -m harness.worker [--memory BYTES] [--fsize BYTES] [--cpu SECONDS] "
                         "[--nproc N] [--parent PID] [--sandboxed] [--no-landlock] SUBMISSION.py")
    path = argv[0]
    # RLIMIT_NPROC counts every process of the user: only inside bubblewrap is that user the worker's own
    _limit_resources(memory, fsize, cpu, nproc if sandboxed else None)
    _die_with_parent(parent)

    # the protocol gets private copies of stdin/stdout; the submission's fd 1 is stderr and fd 0 is /dev/null
    fd_out, fd_in = os.dup(1), os.dup(0)
    os.dup2(2, 1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)

    import faulthandler

    faulthandler.enable(file=sys.stderr)
    channel = _Channel(fd_in, fd_out)
    from .hypothesis import load_hypothesis  # imported (with harness) before the sandbox closes

    from .worker_guard import _disarm_fork_exec, _drop_capabilities, _landlock, _make_audit_hook, _protected_paths

    root = os.path.realpath(os.getcwd())
    protected = _protected_paths()
    sandbox = {"root": root, "protected": len(protected), "rlimit_as": memory, "rlimit_fsize": fsize,
               "rlimit_cpu": cpu, "rlimit_nproc": nproc if sandboxed else None, "bubblewrap": sandboxed}
    sandbox.update(_landlock(root, protected) if landlock else {"landlock": 0, "landlock_error": "disabled"})
    sandbox["capabilities_dropped"] = _drop_capabilities()
    _disarm_fork_exec()
    sys.addaudithook(_make_audit_hook(root, protected, (fd_in, fd_out)))
    sandbox["audit_hook"] = True
    sys.dont_write_bytecode = True
    channel.send({"op": "hello", "sandbox": sandbox})

    try:
        hypothesis = load_hypothesis(path)
        spec, functions = describe(hypothesis)
    except Exception as exc:  # noqa: BLE001 - MemoryError included; SystemExit ends the process as it would
        channel.send({"ok": False, "fatal": True, "phase": "import", "error": _describe_error(exc)})
        return 0
    channel.send({"ok": True, "spec": spec})
    return _serve(channel, functions)


if __name__ == "__main__":
    sys.exit(main())
