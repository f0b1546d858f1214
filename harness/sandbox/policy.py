"""The grading worker's own guards, installed by harness.sandbox.worker before it imports a submission.

  * `_protected_paths`: the checkpoints and .git the submission must not read;
  * `_landlock`: a Landlock ruleset (Linux >= 5.13, raw syscalls) - no writes outside the working directory,
    no reading protected paths, no executing programs, no TCP (ABI 4), no signals or abstract unix sockets
    outside the sandbox (ABI 6);
  * `_drop_capabilities`: when running as root without bubblewrap, drop every capability;
  * `_make_audit_hook` and `_disarm_fork_exec`: the same policy for Python-level operations, plus no
    subprocesses, fork, rlimit changes, gc walks or sockets.

Kept apart from harness.sandbox.worker (the protocol and the process's life) to keep both readable; only `os` is
imported at the top, so importing it is cheap.
"""

from __future__ import annotations

import os

PROTECTED_SUFFIXES = (".safetensors", ".pt", ".pth", ".bin", ".held-out-key")  # checkpoints; the leaderboard's key


# --- protected paths ---------------------------------------------------------------------------------------

def _protected_paths(submission: str | None = None) -> list[str]:
    """Real paths the submission must not read: checkpoints in the puzzles folder and the repository, .git, and
    every file of the submission's own folder (its module included: the worker has read it already), except the
    harness and the puzzles where they lie inside that folder. A folder with more than MAX_FOLDER_FILES files is
    refused (ValueError): the module belongs in a folder of its own."""
    from ..puzzle.registry import REPO_ROOT, puzzles_dir

    skip = {".git", "__pycache__", "node_modules"}
    public = {os.path.realpath(REPO_ROOT / "harness"), os.path.realpath(puzzles_dir())}
    found: set[str] = set()
    for top in (puzzles_dir(), REPO_ROOT):
        top = os.path.realpath(top)
        if os.path.isdir(os.path.join(top, ".git")):
            found.add(os.path.join(top, ".git"))
        for folder, dirs, files in os.walk(top):
            dirs[:] = [d for d in dirs if d not in skip and not os.path.exists(os.path.join(folder, d, "pyvenv.cfg"))]
            found.update(os.path.realpath(os.path.join(folder, f)) for f in files
                         if f.lower().endswith(PROTECTED_SUFFIXES))
    if submission is not None:
        own: set[str] = {os.path.realpath(submission)}
        for folder, dirs, files in os.walk(os.path.dirname(os.path.realpath(submission))):
            dirs[:] = [d for d in dirs if d not in skip and os.path.realpath(os.path.join(folder, d)) not in public
                       and not os.path.exists(os.path.join(folder, d, "pyvenv.cfg"))]
            own.update(os.path.realpath(os.path.join(folder, f)) for f in files)
            if len(own) > MAX_FOLDER_FILES:
                raise ValueError(f"the folder of {submission} holds more than {MAX_FOLDER_FILES:,} files, all of "
                                 "which the grader hides from the submission; put the module in a folder of its own")
        found |= own
    return sorted(found)


# Modules a hypothesis may not import: the model (torch, TransformerLens, weights' formats, other frameworks) and the
# harness's model, training and grading code. Of the harness, only what a hypothesis needs to describe itself and
# read its puzzle's public data stays importable (ALLOWED_HARNESS; the worker imports these before its sandbox closes).
FORBIDDEN_IMPORTS = ("torch", "transformer_lens", "safetensors", "datasets", "transformers", "huggingface_hub",
                     "jax", "jaxlib", "haiku", "flax", "tracr", "tensorflow", "keras", "onnx", "onnxruntime", "pyvene")
ALLOWED_HARNESS = ("harness", "harness.errors", "harness.hypothesis", "harness.wire", "harness.description",
                   "harness.puzzle", "harness.puzzle.declaration", "harness.puzzle.registry", "harness.puzzle.data",
                   "harness.sandbox", "harness.sandbox.worker", "harness.sandbox.protocol", "harness.sandbox.policy")
MAX_FOLDER_FILES = 5000


def forbidden_import(name: str) -> bool:
    """Whether a hypothesis may not import module `name` (a top-level package listed above, or harness internals)."""
    top = name.partition(".")[0]
    if top == "harness":
        return name not in ALLOWED_HARNESS
    return top in FORBIDDEN_IMPORTS


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
    forbidden_tops, allowed_harness, _partition = frozenset(FORBIDDEN_IMPORTS), frozenset(ALLOWED_HARNESS), str.partition

    def forbidden(name: str) -> bool:  # forbidden_import, with its lists bound here (a submission cannot edit them)
        top = _partition(name, ".")[0]
        return name not in allowed_harness if top == "harness" else top in forbidden_tops
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
            raise _Permission(f"reading {shown!r} is not allowed in the grading worker (model checkpoints, the "
                              "repository's .git and every file of the submission's own folder, its module included, "
                              "are off limits: what a hypothesis knows must be written in its module's code)")

    def hook(event: str, args: tuple) -> None:
        if event == "import":
            name = args[0] if _type(args[0]) is _str else ""
            if name == "_posixsubprocess":  # a fresh copy would bring fork_exec back
                raise _Permission("importing _posixsubprocess again is not allowed in the grading worker")
            if forbidden(name):
                raise _Permission(f"importing {name} is not allowed in the grading worker: a hypothesis may not run "
                                  "or read the model (no torch, TransformerLens or harness model/grading code); "
                                  "compute with numpy from the puzzle's public data (puzzle_data)")
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
