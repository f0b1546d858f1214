"""Process control for grading workers: the sandbox a worker runs in, its start and its end.

Where bubblewrap (`bwrap`, Debian package `bubblewrap`) works, a worker runs inside it:

  * a fresh PID namespace: every process the submission starts (however it forks, setsid included) dies when the
    worker ends, because the namespace's init dies with it (--die-with-parent, and we kill it);
  * a fresh network namespace (loopback only, nothing listens): no TCP, UDP or abstract unix sockets reach the
    machine, and names do not resolve (there is no /etc/hosts or resolver inside);
  * a minimal, read-only view of the file system: the system's libraries, Python and the virtual environment,
    the harness package, the Hugging Face cache if there is one (public tokenizers and weights, offline), the
    puzzles (with every checkpoint replaced by an empty file) and a private copy of the
    submission's own folder (regular files only) at its usual path; no home folders, no .git, no other solvers,
    no leaderboard, no unix sockets of the host;
  * a writable working directory that is a tmpfs of `disk_bytes` (a disk cap), and a small /tmp;
  * a clean environment (only what ENV_KEEP lists), a new session (no terminal), no capabilities;
  * when the grading process runs as root, the worker runs as an unprivileged user id of its own (setpriv), so
    that RLIMIT_NPROC caps its processes and threads (the kernel does not apply it to root).

Without bubblewrap (not installed, or the kernel refuses namespaces) a worker runs as a plain child process in
a session of its own that is killed as a whole; the worker's own rlimits, audit hook and Landlock still apply
(harness.sandbox.worker), but processes that leave the session, the network and the disk are not contained.
`bubblewrap_problem()` says which applies here; INTERP_PUZZLES_SANDBOX=none forces the fallback.
"""

from __future__ import annotations

import functools
import os
import secrets
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from ..errors import SubmissionFileError
from ..puzzle.registry import REPO_ROOT, puzzles_dir
from .files import copy_folder
from .protocol import MiB

SANDBOX_UID_BASE = 200_000  # unprivileged user ids handed to workers when the grading process is root
TMP_BYTES = 16 * MiB
CHECKPOINT_SUFFIXES = (".safetensors", ".pt", ".pth", ".bin")
SYSTEM_PATHS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
ETC_FILES = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime")


def hf_cache() -> str | None:
    """The Hugging Face cache (public tokenizers and weights for pretrained puzzles), if there is one."""
    path = os.environ.get("HF_HOME") or os.path.join(os.path.expanduser("~"), ".cache", "huggingface")
    return os.path.realpath(path) if os.path.isdir(path) else None


def minimal_env(workdir: str) -> dict[str, str]:
    """The whole environment a worker gets: nothing of the grading process's (its secrets stay outside)."""
    env = {"PATH": "/usr/bin:/bin", "HOME": workdir, "TMPDIR": workdir, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
           "PYTHONPATH": str(REPO_ROOT), "INTERP_PUZZLES_DIR": str(Path(puzzles_dir()).resolve()),
           "PYTHONDONTWRITEBYTECODE": "1", "PYTHONNOUSERSITE": "1", "MALLOC_ARENA_MAX": "2",
           "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    if hf_cache():  # read-only inside the sandbox; never downloads
        env.update(HF_HOME=hf_cache(), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    return env


@functools.lru_cache(maxsize=16)
def _checkpoints(root: str) -> tuple[str, ...]:
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in ("__pycache__", ".git")]
        found += [os.path.join(folder, f) for f in files if f.lower().endswith(CHECKPOINT_SUFFIXES)]
    return tuple(sorted(found))


def _ancestors(paths: list[str]) -> list[str]:
    out: set[str] = set()
    for path in paths:
        parent = os.path.dirname(path)
        while parent not in ("/", ""):
            out.add(parent)
            parent = os.path.dirname(parent)
    return sorted(out, key=lambda p: (p.count("/"), p))


def bwrap_command(inner: list[str], *, workdir: str, folder: str | None, folder_copy: str | None, env: dict[str, str],
                  disk_bytes: int, uid: int | None) -> list[str]:
    """The bwrap command line that runs `inner` in the sandbox described in the module docstring."""
    harness_dir = str(REPO_ROOT / "harness")
    puzzles = os.path.realpath(puzzles_dir())
    python = sorted({os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)} | {sys.prefix}
                    | {os.path.dirname(os.path.realpath(sys.executable))})
    extra = [hf_cache()] if hf_cache() else []
    binds = [p for p in python + [harness_dir, puzzles] + extra if not any(p.startswith(s + "/") for s in SYSTEM_PATHS)]
    targets = binds + [workdir] + ([folder] if folder else [])
    cmd = ["bwrap", "--tmpfs", "/", "--dev", "/dev", "--proc", "/proc",
           "--perms", "1777", "--size", str(TMP_BYTES), "--tmpfs", "/tmp"]
    for parent in _ancestors(targets):  # bwrap would make them 0700, which another user id cannot cross
        if parent not in ("/tmp", "/dev", "/proc"):
            cmd += ["--perms", "0755", "--dir", parent]
    for path in SYSTEM_PATHS:
        if os.path.islink(path):
            cmd += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            cmd += ["--ro-bind", path, path]
    for path in ETC_FILES:
        cmd += ["--ro-bind-try", path, path]
    for path in binds:
        cmd += ["--ro-bind", path, path]
    for checkpoint in _checkpoints(puzzles):
        cmd += ["--ro-bind", "/dev/null", checkpoint]
    if folder and folder_copy:
        cmd += ["--ro-bind", folder_copy, folder]
    cmd += ["--perms", "0777", "--size", str(int(disk_bytes)), "--tmpfs", workdir, "--chdir", workdir]
    cmd += ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--die-with-parent", "--new-session", "--clearenv"]
    for key, value in env.items():
        cmd += ["--setenv", key, value]
    if uid is None:  # unprivileged: bubblewrap needs a user namespace, and takes every capability away
        cmd += ["--unshare-user", "--disable-userns"]
        return cmd + ["--"] + inner
    cmd += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--",
            "setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--no-new-privs", "--inh-caps=-all",
            "--bounding-set=-all", "--"]
    return cmd + inner


def _sandbox_uid() -> int | None:
    """A user id of its own for each worker when we are root (RLIMIT_NPROC is per user and ignored for root)."""
    return SANDBOX_UID_BASE + secrets.randbelow(1_000_000) if os.geteuid() == 0 else None


@functools.lru_cache(maxsize=1)
def bubblewrap_problem() -> str | None:
    """None when workers can run under bubblewrap here; otherwise a sentence saying why not."""
    if os.environ.get("INTERP_PUZZLES_SANDBOX", "").lower() == "none":
        return "INTERP_PUZZLES_SANDBOX=none turns it off"
    if shutil.which("bwrap") is None:
        return "bubblewrap is not installed (apt-get install bubblewrap)"
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        return "setpriv (util-linux) is missing, so a worker could not drop root"
    workdir = f"/tmp/interp-puzzles-probe-{os.getpid()}"
    command = bwrap_command([sys.executable, "-c", "import harness.sandbox.worker"], workdir=workdir, folder=None,
                            folder_copy=None, env=minimal_env(workdir), disk_bytes=MiB, uid=_sandbox_uid())
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd="/")
    except (OSError, subprocess.SubprocessError) as exc:
        return f"bwrap could not be run ({exc})"
    if proc.returncode != 0:
        return f"bwrap failed here (exit {proc.returncode}: {' '.join(proc.stderr.split())[-300:]})"
    return None


class Worker:
    """The OS resources of one worker; `cleanup` (also run by a finalizer) kills it and frees them.

    `proc` is the direct child (bwrap, or the worker itself without bubblewrap), in a session of its own.
    """

    def __init__(self, proc: subprocess.Popen, workdir: str, stderr_file: Any, private: str | None,
                 sandboxed: bool) -> None:
        self.proc, self.workdir, self.stderr_file, self.private, self.sandboxed = proc, workdir, stderr_file, private, sandboxed
        self.reaped = False
        self.cpu_s: float | None = None  # user + system CPU seconds of the worker and its descendants, once reaped

    def exited(self, timeout: float = 0.0) -> bool:
        """Whether the worker has exited, waiting up to `timeout`; never reaps (its pid stays ours to signal)."""
        end = time.monotonic() + timeout
        while True:
            if self.reaped:
                return True
            try:
                if os.waitid(os.P_PID, self.proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                    return True
            except ChildProcessError:
                return True
            if time.monotonic() >= end:
                return False
            time.sleep(0.005)

    def kill(self) -> None:
        """SIGKILL the child's whole process group (before reaping, so the group id cannot have been reused).
        Under bubblewrap the namespace's init dies with it, and the kernel kills everything left inside."""
        if self.reaped:
            return
        try:
            os.killpg(self.proc.pid, 9)
        except (ProcessLookupError, PermissionError):
            pass

    def reap(self) -> int:
        """Kill, wait, and return the worker's exit code (negative: the signal that ended it)."""
        if not self.reaped:
            self.kill()
            try:
                _, status, usage = os.wait4(self.proc.pid, 0)
                self.proc.returncode = os.waitstatus_to_exitcode(status)
                self.cpu_s = usage.ru_utime + usage.ru_stime
            except ChildProcessError:
                self.proc.wait()
            self.reaped = True
            self._drain_group()
        code = self.proc.returncode
        if self.sandboxed and code is not None and code > 128:  # bwrap reports a signal N as exit code 128 + N
            return -(code - 128)
        return code

    def _drain_group(self, timeout: float = 10.0) -> None:
        """Wait until nothing is left in the worker's process group. SIGKILL is delivered at once but a process
        exits asynchronously (a large address space takes a while to tear down), so a member may outlive the
        reaped child by milliseconds; the group id stays taken while any member lives, so re-signalling it is safe."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                os.killpg(self.proc.pid, 9)
            except (ProcessLookupError, PermissionError):
                return
            time.sleep(0.005)

    def stderr_tail(self, limit: int) -> str:
        try:
            size = os.fstat(self.stderr_file.fileno()).st_size
            data = os.pread(self.stderr_file.fileno(), limit, max(0, size - limit))
        except (OSError, ValueError):
            return ""
        text = data.decode("utf-8", "replace").strip()
        if size > limit:
            text = "…" + text.split("\n", 1)[-1]
        return text

    def cleanup(self) -> None:
        try:
            self.reap()
        finally:
            for stream in (self.proc.stdin, self.proc.stdout, self.stderr_file):
                try:
                    if stream is not None:
                        stream.close()
                except OSError:
                    pass
            remove_tree(self.workdir)
            if self.private:
                remove_tree(self.private)


def remove_tree(path: str) -> None:
    def unlock(func, target, exc_info):  # the submission may have made files or folders unwritable
        try:
            os.chmod(os.path.dirname(target), 0o700)
            os.chmod(target, 0o700)
            func(target)
        except OSError:
            pass

    shutil.rmtree(path, onerror=unlock)


def start_worker(module: Path, worker_args: list[str], *, disk_bytes: int, sandbox: bool | None = None) -> Worker:
    """Start `python -m harness.sandbox.worker <worker_args> <module>` sandboxed (see the module docstring).

    sandbox: True requires bubblewrap, False runs without it, None uses it where it works.
    """
    import tempfile

    problem = bubblewrap_problem()
    if sandbox and problem:
        raise RuntimeError(f"A bubblewrap sandbox was required but {problem}.")
    sandboxed = problem is None if sandbox is None else bool(sandbox)
    workdir = tempfile.mkdtemp(prefix="interp-puzzles-worker-")
    private = tempfile.mkdtemp(prefix="interp-puzzles-private-") if sandboxed else None
    stderr_file = tempfile.TemporaryFile(prefix="interp-puzzles-worker-stderr-")
    env = minimal_env(workdir)
    inner = [sys.executable, "-m", "harness.sandbox.worker", *worker_args]
    try:
        if sandboxed:
            folder = str(module.parent)
            copy = os.path.join(private, "submission")
            try:
                copy_folder(module.parent, Path(copy))
            except SubmissionFileError:
                os.makedirs(copy, exist_ok=True)  # the worker will say the module cannot be read
            for top, dirs, files in os.walk(private):
                os.chmod(top, 0o755)
                for name in files:
                    os.chmod(os.path.join(top, name), 0o644)
            command = bwrap_command(inner + ["--sandboxed", str(module)], workdir=workdir, folder=folder,
                                    folder_copy=copy, env=env, disk_bytes=disk_bytes, uid=_sandbox_uid())
        else:
            command = inner + ["--parent", str(os.getpid()), str(module)]
        # Limits are set by the worker itself, first thing, before it imports anything of the submission's:
        # a preexec_fn is not safe in a process with threads (torch's), so none is used.
        proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr_file,
                                cwd=workdir, env=env, start_new_session=True, close_fds=True, bufsize=0)
    except BaseException:
        stderr_file.close()
        remove_tree(workdir)
        if private:
            remove_tree(private)
        raise
    return Worker(proc, workdir, stderr_file, private, sandboxed)
