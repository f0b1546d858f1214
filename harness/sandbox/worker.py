"""The isolated worker: imports ONE submission module and answers the grader's questions about it.

    python -m harness.sandbox.worker [--memory BYTES] [--fsize BYTES] [--cpu SECONDS] [--nproc N] [--parent PID]
                             [--sandboxed] [--no-landlock] /abs/path/to/submission.py

Started by harness.sandbox.client.IsolatedSubmission (never by hand in grading), in an empty working directory of
its own. Before the submission is imported the worker

  * lowers its own resource limits (address space, file size, CPU time, no core dumps; under bubblewrap also
    the number of processes and threads) and asks the kernel to kill it when its parent dies;
  * keeps private duplicates of its stdin/stdout for the protocol, points fd 1 at stderr and fd 0 at
    /dev/null, so that prints and input() in the submission cannot corrupt or consume the protocol;
  * (harness.sandbox.policy) where the kernel offers Landlock, restricts itself: no writes outside its working directory (and
    /dev/null), no reading the puzzles' checkpoints or the repository's .git, no executing programs, no TCP,
    no signals to processes outside the sandbox; when running as root it drops its capabilities;
  * installs an audit hook (sys.addaudithook) with the same policy for Python-level operations, plus no
    subprocesses, fork, exec, kill of other processes, rlimit changes, gc object walks, or sockets of any kind;
  * reads the submission's module once, then hides every file of its folder (the module included) and refuses
    imports of torch, TransformerLens and the harness's model and grading code (policy.FORBIDDEN_IMPORTS): an
    explanation must not contain the model, so a hypothesis runs with numpy and the puzzle's public data only. The
    module runs from the text read, without its docstrings (harness.description).

Under bubblewrap (harness.sandbox.process, --sandboxed) the worker also lives in its own PID and network namespaces with a
minimal read-only file system, a size-capped working directory and a clean environment.

The protocol (frames, arrays, messages) is harness.sandbox.protocol's; each claim in the spec is derived from the
claim registry by harness.wire.

Everything here is defence in depth for the submission's *own* process; the grading process trusts nothing
the worker sends and validates every frame (harness.sandbox.client). Native code (ctypes, C extensions) can get
around the audit hook; Landlock and the resource limits are enforced by the kernel.
"""

from __future__ import annotations

import os
import sys

from .protocol import MAX_ERROR_CHARS as ERROR_CHARS  # standard library only: cheap before the limits are set


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
    """Frames over two private file descriptors (harness.sandbox.protocol); all helpers are bound at creation."""

    def __init__(self, fd_in: int, fd_out: int) -> None:
        from .protocol import HEADER_BYTES, MAX_REQUEST_BYTES, Codec

        self.fd_in, self.fd_out = fd_in, fd_out
        self._read, self._write = os.read, os.write
        self._codec = Codec()
        self.encode, self.decode = self._codec.encode, self._codec.decode
        self._header_bytes, self._max = HEADER_BYTES, MAX_REQUEST_BYTES

    def send(self, message: dict) -> None:
        view = memoryview(self._codec.frame(message))
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
        head = self._exactly(self._header_bytes)
        if head is None:
            return None
        length = self._codec.length(head)
        if length > self._max:
            raise ValueError(f"request of {length} bytes")
        body = self._exactly(length)
        return None if body is None else self._codec.parse(body)


def _describe_error(exc: BaseException) -> str:
    """"ExcType: message"; for an import that load_hypothesis wrapped, the original exception's."""
    from ..hypothesis import HypothesisError

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
    from ..wire import to_wire

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
        if flag == "--sandboxed":  # started by bubblewrap (harness.sandbox.process)
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
            raise SystemExit(f"harness.sandbox.worker: unknown option {flag}")
    if len(argv) != 1:
        raise SystemExit("usage: python -m harness.sandbox.worker [--memory BYTES] [--fsize BYTES] [--cpu SECONDS] "
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
    from .. import description  # noqa: F401 - imported (with harness) before the sandbox closes
    from ..hypothesis import load_hypothesis
    from ..puzzle import data  # noqa: F401 - puzzle_data's loader

    from .policy import _disarm_fork_exec, _drop_capabilities, _landlock, _make_audit_hook, _protected_paths

    # the module is read once, here; after this the submission's folder (the module included) is off limits, and the
    # module runs from this text without its docstrings (harness.description), so neither can carry data in
    unreadable = None
    try:
        with open(path, encoding="utf-8") as handle:
            source = handle.read()
        protected = _protected_paths(path)
    except Exception as exc:  # noqa: BLE001 - unreadable, not UTF-8, or a folder too full to hide: said after hello
        unreadable, source, protected = exc, "", _protected_paths()
    root = os.path.realpath(os.getcwd())
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
        if unreadable is not None:
            raise unreadable
        hypothesis = load_hypothesis(path, source)
        spec, functions = describe(hypothesis)
    except Exception as exc:  # noqa: BLE001 - MemoryError included; SystemExit ends the process as it would
        channel.send({"ok": False, "fatal": True, "phase": "import", "error": _describe_error(exc)})
        return 0
    channel.send({"ok": True, "spec": spec})
    return _serve(channel, functions)


if __name__ == "__main__":
    sys.exit(main())
