"""Process control for grading workers (harness/sandbox/process.py): the environment a worker gets, the bubblewrap
command line, the fallback switch, removing a tree the submission locked, and a worker's start and end."""

from __future__ import annotations

import os
import stat
import sys


from harness.puzzle.registry import REPO_ROOT, puzzles_dir
from harness.sandbox import process
from harness.sandbox.process import bubblewrap_problem, bwrap_command, minimal_env, remove_tree, start_worker

INNER = [sys.executable, "-m", "harness.sandbox.worker", "--sandboxed", "/sub/x/bigram_0l.py"]


def test_the_worker_environment_is_built_from_nothing(monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "hunter2")
    monkeypatch.setenv("PYTHONPATH", "/elsewhere")
    env = minimal_env("/tmp/w")
    assert "AWS_SECRET_ACCESS_KEY" not in env and "hunter2" not in env.values()
    assert (env["HOME"], env["TMPDIR"], env["PYTHONPATH"]) == ("/tmp/w", "/tmp/w", str(REPO_ROOT))
    assert env["INTERP_PUZZLES_DIR"] == str(puzzles_dir().resolve()) and env["OMP_NUM_THREADS"] == "1"
    assert set(env) <= {"PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "PYTHONPATH", "INTERP_PUZZLES_DIR",
                        "PYTHONDONTWRITEBYTECODE", "PYTHONNOUSERSITE", "MALLOC_ARENA_MAX", "OMP_NUM_THREADS",
                        "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "HF_HOME", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"}


def pairs(cmd: list[str], flag: str) -> list[tuple[str, ...]]:
    """The arguments following each occurrence of `flag` (two for binds and --setenv, one otherwise)."""
    width = 2 if flag in ("--ro-bind", "--ro-bind-try", "--bind", "--setenv", "--symlink") else 1
    return [tuple(cmd[i + 1:i + 1 + width]) for i, arg in enumerate(cmd) if arg == flag]


def test_the_bubblewrap_command_isolates_and_masks_the_checkpoints():
    env = {"HOME": "/tmp/w", "A": "b"}
    cmd = bwrap_command(INNER, workdir="/tmp/w", folder="/sub/x", folder_copy="/priv/sub", env=env, disk_bytes=12345,
                        uid=None)
    assert cmd[0] == "bwrap" and cmd[-len(INNER) - 1:] == ["--", *INNER]
    for flag in ("--unshare-pid", "--unshare-net", "--unshare-ipc", "--die-with-parent", "--new-session", "--clearenv",
                 "--unshare-user", "--disable-userns"):
        assert flag in cmd, flag
    assert pairs(cmd, "--setenv") == [("HOME", "/tmp/w"), ("A", "b")]
    assert cmd.index("--clearenv") < cmd.index("--setenv")  # nothing of the grading process's environment
    assert ("/priv/sub", "/sub/x") in pairs(cmd, "--ro-bind")  # the private copy, read-only, at the usual path
    size = cmd.index("12345")
    assert cmd[size - 1:size + 3] == ["--size", "12345", "--tmpfs", "/tmp/w"]  # the working directory: a capped tmpfs
    checkpoints = [os.path.join(folder, f) for folder, _, fs in os.walk(os.path.realpath(puzzles_dir()))
                   for f in fs if f.endswith(".safetensors")]
    assert checkpoints and all(("/dev/null", c) in pairs(cmd, "--ro-bind") for c in checkpoints)
    assert "--bind" not in cmd  # nothing of the host is writable


def test_as_root_the_worker_drops_to_its_own_user_id():
    cmd = bwrap_command(INNER, workdir="/tmp/w", folder=None, folder_copy=None, env={}, disk_bytes=1, uid=201234)
    tail = cmd[cmd.index("--cap-drop"):]
    assert tail[:2] == ["--cap-drop", "ALL"] and "--unshare-user" not in cmd
    assert tail[tail.index("setpriv"):tail.index("setpriv") + 3] == ["setpriv", "--reuid=201234", "--regid=201234"]
    assert "--no-new-privs" in tail and cmd[-len(INNER):] == INNER


def test_the_sandbox_can_be_switched_off_and_says_so(monkeypatch):
    bubblewrap_problem.cache_clear()
    try:
        monkeypatch.setenv("INTERP_PUZZLES_SANDBOX", "none")
        assert bubblewrap_problem() == "INTERP_PUZZLES_SANDBOX=none turns it off"
        monkeypatch.delenv("INTERP_PUZZLES_SANDBOX")
        monkeypatch.setattr(process.shutil, "which", lambda name: None)
        bubblewrap_problem.cache_clear()
        assert "bubblewrap is not installed" in bubblewrap_problem()
    finally:
        bubblewrap_problem.cache_clear()  # later tests probe the real machine again


def test_remove_tree_removes_what_the_submission_made_unwritable(tmp_path):
    top = tmp_path / "work"
    locked = top / "locked"
    locked.mkdir(parents=True)
    (locked / "file").write_text("x")
    os.chmod(locked / "file", 0)
    os.chmod(locked, stat.S_IRUSR | stat.S_IXUSR)
    remove_tree(str(top))
    assert not top.exists()
    remove_tree(str(tmp_path / "never-existed"))  # no error


def test_a_worker_without_bubblewrap_starts_in_a_session_of_its_own_and_cleans_up(tmp_path):
    module = tmp_path / "bigram_0l.py"
    module.write_text("import time\ntime.sleep(60)\n")
    worker = start_worker(module, [], disk_bytes=1 << 20, sandbox=False)
    try:
        assert not worker.sandboxed and worker.private is None and os.path.isdir(worker.workdir)
        assert os.getpgid(worker.proc.pid) == worker.proc.pid != os.getpgid(0)
        assert not worker.exited(timeout=0.05)
    finally:
        worker.cleanup()
    assert worker.reap() == -9 and worker.exited() and not os.path.exists(worker.workdir)
