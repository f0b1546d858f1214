"""The isolated worker: imports ONE submission module and answers the grader's questions about it.

    python -m harness.worker [--memory BYTES] [--fsize BYTES] [--cpu SECONDS] [--nproc N] [--parent PID]
                             [--sandboxed] [--no-landlock] /abs/path/to/submission.py

Started by harness.isolation.IsolatedSubmission (never by hand in grading), in an empty working directory of
its own. Before the submission is imported the worker

  * lowers its own resource limits (address space, file size, CPU time, no core dumps; under bubblewrap also
    the number of processes and threads) and asks the kernel to kill it when its parent dies;
  * keeps private duplicates of its stdin/stdout for the protocol, points fd 1 at stderr and fd 0 at
    /dev/null, so that prints and input() in the submission cannot corrupt or consume the protocol;
  * where the kernel offers Landlock, restricts itself: no writes outside its working directory (and
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
component, source, target, explains), "functions": [names of its function fields]}.

Everything here is defence in depth for the submission's *own* process; the grading process trusts nothing
the worker sends and validates every frame (harness.isolation). Native code (ctypes, C extensions) can get
around the audit hook; Landlock and the resource limits are enforced by the kernel.
"""

from __future__ import annotations

import os
import sys

PROTECTED_SUFFIXES = (".safetensors", ".pt", ".pth", ".bin")
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


# --- protected paths ---------------------------------------------------------------------------------------

def _protected_paths() -> list[str]:
    """Real paths the submission must not read: checkpoints in the puzzles folder and the repository, and .git."""
    from .registry import REPO_ROOT, puzzles_dir

    found: set[str] = set()
    for top in (puzzles_dir(), REPO_ROOT):
        top = os.path.realpath(top)
        if os.path.isdir(os.path.join(top, ".git")):
            found.add(os.path.join(top, ".git"))
        for folder, dirs, files in os.walk(top):
            dirs[:] = [d for d in dirs if d not in (".git", "__pycache__", "node_modules")
                       and not os.path.exists(os.path.join(folder, d, "pyvenv.cfg"))]
            found.update(os.path.realpath(os.path.join(folder, f)) for f in files
                         if f.lower().endswith(PROTECTED_SUFFIXES))
    return sorted(found)


# --- Landlock (Linux >= 5.13), via raw syscalls ----------------------------------------------------------------

_SYS_CREATE_RULESET, _SYS_ADD_RULE, _SYS_RESTRICT_SELF = 444, 445, 446  # the same on x86_64 and aarch64
_FS_EXECUTE, _FS_WRITE_FILE, _FS_READ_FILE = 1 << 0, 1 << 1, 1 << 2
_FS_ABI1 = (1 << 13) - 1  # execute, write/read file, read dir, remove dir/file, make char/dir/reg/sock/fifo/block/sym
_FS_READ_DIR = 1 << 3
_FS_REFER, _FS_TRUNCATE = 1 << 13, 1 << 14
_FILE_RIGHTS = _FS_EXECUTE | _FS_WRITE_FILE | _FS_READ_FILE | _FS_TRUNCATE
_MAX_RULES = 20_000


def _landlock(root: str, protected: list[str]) -> dict:
    """Restrict this process (and any child) with Landlock; returns what was enforced, or why not."""
    import ctypes
    import stat
    import struct

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        syscall = libc.syscall
        syscall.restype = ctypes.c_long
        abi = syscall(_SYS_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(1))  # ..._VERSION
        if abi < 1:
            return {"landlock": 0, "landlock_error": os.strerror(ctypes.get_errno())}
        fs = _FS_ABI1 & ~_FS_READ_DIR  # listing directories stays allowed
        fs |= (_FS_REFER if abi >= 2 else 0) | (_FS_TRUNCATE if abi >= 3 else 0)
        net = 0b11 if abi >= 4 else 0  # bind and connect TCP
        scoped = 0b11 if abi >= 6 else 0  # abstract unix sockets and signals outside the sandbox
        attr = struct.pack("<QQQ", fs, net, scoped)[: 8 if abi < 4 else 16 if abi < 6 else 24]
        ruleset = syscall(_SYS_CREATE_RULESET, attr, ctypes.c_size_t(len(attr)), ctypes.c_uint32(0))
        if ruleset < 0:
            return {"landlock": 0, "landlock_error": os.strerror(ctypes.get_errno())}
        file_rights = _FILE_RIGHTS & fs
        rules = 0

        def allow(path: str, access: int) -> None:
            nonlocal rules
            try:
                st = os.lstat(path)
            except OSError:
                return
            if stat.S_ISLNK(st.st_mode):
                return  # a symlink resolves to a real path, which is covered (or not) on its own
            if not stat.S_ISDIR(st.st_mode):
                access &= file_rights
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC | os.O_NOFOLLOW)
            except OSError:
                return
            try:
                if syscall(_SYS_ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(1),  # LANDLOCK_RULE_PATH_BENEATH
                           struct.pack("<Qi", access, fd), ctypes.c_uint32(0)) == 0:
                    rules += 1
            finally:
                os.close(fd)

        # Reading: every file except the protected ones. Landlock only grants, so grant each sibling of the
        # protected paths and of their ancestors (entries created later in those ancestor folders stay unreadable).
        read_limited = True
        protected_set = set(protected)
        ancestors = {os.path.dirname(p) for p in protected}
        for p in list(ancestors):
            while p != os.path.dirname(p):
                p = os.path.dirname(p)
                ancestors.add(p)
        entries = []
        for folder in sorted(ancestors):
            try:
                entries += [os.path.join(folder, name) for name in os.listdir(folder)]
            except OSError:
                continue
        entries = [e for e in entries if e not in ancestors and e not in protected_set]
        if not protected or len(entries) > _MAX_RULES:
            allow("/", _FS_READ_FILE)
            read_limited = False
        else:
            for entry in entries:
                allow(entry, _FS_READ_FILE)
        allow(root, fs & ~_FS_EXECUTE)
        allow(os.devnull, (_FS_READ_FILE | _FS_WRITE_FILE | _FS_TRUNCATE) & fs)
        if libc.prctl(38, 1, 0, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS, required to restrict oneself unprivileged
            return {"landlock": 0, "landlock_error": "prctl(PR_SET_NO_NEW_PRIVS) failed: " + os.strerror(ctypes.get_errno())}
        if syscall(_SYS_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)) != 0:
            return {"landlock": 0, "landlock_error": os.strerror(ctypes.get_errno())}
        os.close(ruleset)
        return {"landlock": int(abi), "landlock_rules": rules, "landlock_reads_limited": read_limited,
                "landlock_net": bool(net), "landlock_signals": bool(scoped)}
    except Exception as exc:  # noqa: BLE001 - no Landlock: the audit hook alone remains
        return {"landlock": 0, "landlock_error": f"{exc.__class__.__name__}: {exc}"}


def _drop_capabilities() -> bool:
    """When running as root: drop every capability (so the limits above cannot be raised again)."""
    if os.geteuid() != 0:
        return False
    try:
        import ctypes

        header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
        data = (ctypes.c_uint32 * 6)()
        return ctypes.CDLL(None, use_errno=True).capset(header, data) == 0
    except Exception:  # noqa: BLE001
        return False


# --- the audit hook ----------------------------------------------------------------------------------------------

def _make_audit_hook(root: str, protected: list[str], private_fds: tuple[int, ...]):
    """The hook refuses (PermissionError) what a submission must not do. Every helper it uses is bound here, so
    monkeypatching os, os.path or builtins later does not change its decisions."""
    import stat as _stat

    _lstat, _stat_fn, _readlink, _getcwd, _fspath = os.lstat, os.stat, os.readlink, os.getcwd, os.fspath
    _S_ISLNK, _S_ISDIR, _getpid, _bdecode = _stat.S_ISLNK, _stat.S_ISDIR, os.getpid, bytes.decode
    _str, _bytes, _int, _type, _len, _tuple = str, bytes, int, type, len, tuple
    _join, _startswith, _endswith, _lower, _split = str.join, str.startswith, str.endswith, str.lower, str.split
    _Permission, _OSError = PermissionError, OSError
    sep = "/"
    root_prefix = root.rstrip(sep) + sep
    protected_t = _tuple(protected)
    protected_dirs = _tuple(p + sep for p in protected)
    suffixes = PROTECTED_SUFFIXES
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
    private_fds = _tuple(private_fds)
    own_pid = _getpid()
    devnull = os.devnull
    banned = {
        "subprocess.Popen": "starting programs", "os.system": "starting programs", "os.exec": "starting programs",
        "os.posix_spawn": "starting programs", "os.spawn": "starting programs", "os.fork": "forking",
        "os.forkpty": "forking", "os.startfile": "starting programs", "resource.setrlimit": "changing resource limits",
        "resource.prlimit": "changing resource limits", "gc.get_objects": "walking the garbage collector",
        "gc.get_referrers": "walking the garbage collector", "gc.get_referents": "walking the garbage collector",
        "socket.connect": "network access", "socket.bind": "network access", "socket.sendto": "network access",
        "socket.sendmsg": "network access", "socket.__new__": "network access", "socket.getaddrinfo": "network access",
        "socket.gethostbyname": "network access", "socket.gethostbyaddr": "network access",
        "socket.getnameinfo": "network access", "socket.sethostname": "network access",
    }
    path_events = {  # event -> positions of (path, dir_fd) pairs that must lie inside the working directory
        "os.remove": ((0, 1),), "os.rmdir": ((0, 1),), "os.mkdir": ((0, 2),), "os.chmod": ((0, 2),),
        "os.chown": ((0, 3),), "os.utime": ((0, 3),), "os.truncate": ((0, None),), "os.chflags": ((0, None),),
        "os.lchflags": ((0, None),), "os.setxattr": ((0, None),), "os.removexattr": ((0, None),),
        "os.rename": ((0, 2), (1, 3)), "os.link": ((0, 2), (1, 3)), "os.symlink": ((1, 2),),
        "shutil.copyfile": ((1, None),), "shutil.copymode": ((1, None),), "shutil.copystat": ((1, None),),
        "shutil.copytree": ((1, None),), "shutil.move": ((0, None), (1, None)), "shutil.chown": ((0, None),),
        "shutil.rmtree": ((0, None),),
    }

    def as_text(path) -> str | None:
        t = _type(path)
        if t is _str:
            return path
        if t is _bytes:
            return _bdecode(path, "utf-8", "surrogateescape")
        try:
            value = _fspath(path)
        except Exception:  # noqa: BLE001
            return None
        if _type(value) is _bytes:
            return _bdecode(value, "utf-8", "surrogateescape")
        return value if _type(value) is _str else None

    def resolve(path: str, base: str | None = None) -> str:
        """Absolute path with every symlink resolved (missing tail components kept as they are)."""
        if not _startswith(path, sep):
            path = (base if base is not None else _getcwd()) + sep + path
        done: list[str] = []
        todo = [c for c in _split(path, sep) if c]
        todo.reverse()
        hops = 0
        while todo:
            part = todo.pop()
            if part == ".":
                continue
            if part == "..":
                if done:
                    done.pop()
                continue
            current = sep + _join(sep, done + [part])
            try:
                is_link = _S_ISLNK(_lstat(current).st_mode)
            except _OSError:
                is_link = False
            if not is_link:
                done.append(part)
                continue
            hops += 1
            if hops > 40:
                raise _Permission("too many symbolic links")
            target = _readlink(current)
            if _startswith(target, sep):
                done = []
            rest = [c for c in _split(target, sep) if c]
            rest.reverse()
            todo.extend(rest)
        return sep + _join(sep, done)

    def dir_of(fd) -> str | None:
        if fd is None or _type(fd) is _int and fd < 0:  # events report "no dir_fd" as -1 (or None)
            return None
        try:
            return _readlink(f"/proc/self/fd/{_int(fd)}")
        except Exception:  # noqa: BLE001
            return "/nonexistent-dir-fd"

    def inside(real: str) -> bool:
        return real == root or _startswith(real, root_prefix)

    def refuse_read(real: str, shown) -> None:
        if _endswith(_lower(real), suffixes) or real in protected_t or _startswith(real, protected_dirs):
            raise _Permission(f"reading {shown!r} is not allowed in the grading worker (model checkpoints and the "
                              "repository's .git are off limits to submissions)")

    def hook(event: str, args: tuple) -> None:
        if event == "import" and args[0] == "_posixsubprocess":  # a fresh copy would bring fork_exec back
            raise _Permission("importing _posixsubprocess again is not allowed in the grading worker")
        if event == "open":
            path, mode, flags = args[0], args[1], args[2]
            if _type(path) is _int:  # open(fd): fds were opened through this hook, except the protocol's
                if path in private_fds:
                    raise _Permission(f"file descriptor {path} belongs to the grading worker")
                return
            text = as_text(path)
            if text is None:
                raise _Permission(f"opening {path!r}: only str, bytes or os.PathLike paths are allowed")
            real = resolve(text)
            writing = (flags or 0) & write_flags or (mode is not None and ("w" in mode or "a" in mode or "+" in mode
                                                                          or "x" in mode))
            if writing and not inside(real) and real != devnull:
                raise _Permission(f"writing {text!r} is not allowed: the grading worker may write only inside its "
                                  f"working directory {root}")
            refuse_read(real, text)
            if mode is None and not inside(real):  # os.open: no directory fds outside (they would allow dir_fd tricks)
                try:
                    is_dir = _S_ISDIR(_stat_fn(real).st_mode)
                except _OSError:
                    is_dir = False
                if is_dir:
                    raise _Permission(f"opening the directory {text!r} is not allowed in the grading worker")
            return
        if event in path_events:
            for where, fd_at in path_events[event]:
                if where >= _len(args):
                    continue
                target = args[where]
                if _type(target) is _int:  # an open file descriptor (os.truncate(fd), os.chmod(fd))
                    continue
                text = as_text(target)
                if text is None:
                    raise _Permission(f"{event}: only str, bytes or os.PathLike paths are allowed")
                base = dir_of(args[fd_at]) if fd_at is not None and fd_at < _len(args) else None
                real = resolve(text, base)
                if not inside(real):
                    raise _Permission(f"{event}({text!r}) is not allowed: the grading worker may change files only "
                                      f"inside its working directory {root}")
            return
        if event in banned:
            raise _Permission(f"{banned[event]} ({event}) is not allowed in the grading worker")
        if event in ("os.kill", "os.killpg"):
            if args[0] not in (own_pid, 0) or event == "os.killpg":
                raise _Permission(f"{event}: sending signals to other processes is not allowed in the grading worker")

    return hook


def _disarm_fork_exec() -> None:
    """_posixsubprocess.fork_exec (behind subprocess) raises no audit event in Python 3.11: replace it."""
    import _posixsubprocess
    import subprocess

    def fork_exec(*args, **kwargs):
        raise PermissionError("starting programs (_posixsubprocess.fork_exec) is not allowed in the grading worker")

    _posixsubprocess.fork_exec = fork_exec
    subprocess._fork_exec = fork_exec


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


def _json_safe(value, depth: int = 0) -> bool:
    if depth > 20:
        return False
    if value is None or type(value) in (bool, int, str):
        return True
    if type(value) is float:
        return value == value and value not in (float("inf"), float("-inf"))
    if type(value) in (list, tuple):
        return all(_json_safe(v, depth + 1) for v in value)
    if type(value) is dict:
        return all(type(k) is str and _json_safe(v, depth + 1) for k, v in value.items())
    return False


def describe(hypothesis) -> tuple[dict, dict]:
    """The hypothesis as plain JSON data, and {(claim index, field): function} for the calls."""
    import operator

    from .hypothesis import FUNCTION_FIELDS

    def text(value, what: str) -> str:
        if type(value) is not str:
            raise TypeError(f"{what} is a {type(value).__name__}; it must be a string")
        return value

    def texts(values, what: str) -> list[str]:
        if isinstance(values, (str, bytes)):
            raise TypeError(f"{what} is a single string; it must be a list of strings")
        return [text(v, f"{what}[{i}]") for i, v in enumerate(list(values))]

    claims, functions = [], {}
    for i, claim in enumerate(hypothesis.claims):
        kind = claim.kind
        what = f"claim {i} ({kind})"
        entry = {"kind": kind, "name": text(claim.name, f"{what} name")}
        if kind == "circuit":
            entry["components"] = texts(claim.components, f"{what} components")
        elif kind == "attention":
            entry["head"] = text(claim.head, f"{what} head")
            if claim.queries is None:
                entry["queries"] = None
            else:
                queries = list(claim.queries)
                if any(isinstance(q, bool) for q in queries):
                    raise TypeError(f"{what} queries must be integer positions, not booleans")
                entry["queries"] = [operator.index(q) for q in queries]
        elif kind in ("scrubbing", "interchange"):
            entry["component"] = text(claim.component, f"{what} component")
        elif kind == "path":
            entry["source"] = text(claim.source, f"{what} source")
            entry["target"] = text(claim.target, f"{what} target")
        elif kind == "algorithm":
            entry["explains"] = texts(claim.explains, f"{what} explains")
        fields = list(FUNCTION_FIELDS.get(kind, ()))
        entry["functions"] = fields
        for field in fields:
            functions[(i, field)] = getattr(claim, field)
        claims.append(entry)
    metadata = hypothesis.metadata if type(hypothesis.metadata) is dict else {}
    metadata = {k: v for k, v in metadata.items() if type(k) is str and _json_safe(v)}
    spec = {"puzzle": text(hypothesis.puzzle, "the hypothesis's puzzle"),
            "description": hypothesis.description if type(hypothesis.description) is str else str(hypothesis.description),
            "metadata": metadata, "claims": claims}
    return spec, functions


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
