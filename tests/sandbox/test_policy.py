"""The grading worker's own guards (harness/sandbox/policy.py), tested without installing them: the protected
paths, and the audit hook's decisions called directly (an installed audit hook cannot be removed again)."""

from __future__ import annotations

import os

import pytest

from harness.puzzle.registry import REPO_ROOT, puzzles_dir
from harness.sandbox.policy import _make_audit_hook, _protected_paths


def test_the_checkpoints_and_the_repositorys_git_are_protected():
    protected = _protected_paths()
    checkpoint = os.path.realpath(puzzles_dir() / "bigram_0l" / "model.safetensors")
    assert checkpoint in protected
    if (REPO_ROOT / ".git").is_dir():
        assert os.path.realpath(REPO_ROOT / ".git") in protected
    assert not any("/.venv/" in p for p in protected)  # a virtual environment's weights are not walked


@pytest.fixture
def hook(tmp_path):
    """The hook of a worker whose working directory is tmp_path/work, with tmp_path/secret.bin protected."""
    work = tmp_path / "work"
    work.mkdir()
    (tmp_path / "secret.bin").write_bytes(b"weights")
    return _make_audit_hook(str(work), [str(tmp_path / "secret.bin")], private_fds=(987,)), work


def refused(hook, event, *args) -> str:
    with pytest.raises(PermissionError) as exc:
        hook(event, args)
    return str(exc.value)


def test_writing_is_allowed_only_inside_the_working_directory(hook, tmp_path):
    hook, work = hook
    assert hook("open", (str(work / "out.txt"), "w", os.O_WRONLY)) is None
    assert hook("open", (os.devnull, "w", os.O_WRONLY)) is None
    assert "may write only inside" in refused(hook, "open", str(tmp_path / "out.txt"), "a", 0)
    assert "may write only inside" in refused(hook, "open", str(work / ".." / "escape.txt"), None, os.O_CREAT)
    (work / "up").symlink_to(tmp_path)  # a link inside pointing out: resolved before deciding
    assert "may write only inside" in refused(hook, "open", str(work / "up" / "x.txt"), "w", 0)
    assert "may change files only inside" in refused(hook, "os.remove", str(tmp_path / "secret.bin"), -1)
    assert hook("os.mkdir", (str(work / "sub"), 0o777, -1)) is None


def test_reading_protected_files_and_checkpoints_is_refused(hook, tmp_path):
    hook, work = hook
    assert "off limits" in refused(hook, "open", str(tmp_path / "secret.bin"), "r", 0)
    assert "off limits" in refused(hook, "open", str(work / "copy.SAFETENSORS"), "rb", 0)  # any checkpoint suffix
    assert hook("open", (str(tmp_path / "notes.txt"), "r", 0)) is None
    assert "belongs to the grading worker" in refused(hook, "open", 987, "r", 0)
    assert hook("open", (3, "r", 0)) is None
    assert "only str, bytes or os.PathLike" in refused(hook, "open", 1.5, "r", 0)


@pytest.mark.parametrize("event, args, says", [
    ("subprocess.Popen", ("ls",), "starting programs"),
    ("os.fork", (), "forking"),
    ("socket.connect", (None, ("1.2.3.4", 80)), "network access"),
    ("resource.setrlimit", (9, (1, 1)), "changing resource limits"),
    ("gc.get_objects", (), "walking the garbage collector"),
    ("os.kill", (1, 9), "sending signals to other processes"),
    ("os.killpg", (0, 9), "sending signals"),
    ("import", ("_posixsubprocess",), "importing _posixsubprocess again"),
])
def test_programs_signals_sockets_and_limits_are_refused(hook, event, args, says):
    hook, _ = hook
    assert says in refused(hook, event, *args)


def test_ordinary_events_and_signals_to_itself_pass(hook):
    hook, _ = hook
    assert hook("os.kill", (os.getpid(), 0)) is None and hook("os.kill", (0, 0)) is None
    assert hook("import", ("json",)) is None and hook("exec", (None,)) is None


def test_the_submissions_own_folder_is_protected_but_not_the_harness_or_the_puzzles(tmp_path):
    (tmp_path / "sub").mkdir()
    module, data = tmp_path / "sub" / "h.py", tmp_path / "sub" / "deep" / "table.npy"
    module.write_text("x = 1\n")
    data.parent.mkdir()
    data.write_bytes(b"\x93NUMPY")
    protected = _protected_paths(str(module))
    assert os.path.realpath(module) in protected and os.path.realpath(data) in protected
    beside_harness = _protected_paths(str(REPO_ROOT / "my_hypothesis.py"))  # a module in the checkout's root
    assert not any(p.startswith(os.path.realpath(REPO_ROOT / "harness") + "/") for p in beside_harness)
    assert not any(p.startswith(os.path.realpath(puzzles_dir()) + "/") and not p.endswith(".safetensors")
                   for p in beside_harness)


def test_imports_of_the_model_and_the_grading_code_are_refused(hook):
    hook, _ = hook
    for name in ("torch", "torch.nn", "transformer_lens", "safetensors.numpy", "jax", "harness.grading",
                 "harness.grading.attention", "harness.puzzle.models", "harness.puzzle.facade", "harness.grader",
                 "harness.puzzle.training", "harness.sandbox.client", "harness.leaderboard"):
        assert "is not allowed" in refused(hook, "import", name, None, [], [], [])
    for name in ("numpy", "numpy.linalg", "math", "harness", "harness.hypothesis", "harness.puzzle.data"):
        assert hook("import", (name, None, [], [], [])) is None


def test_the_import_lists_cannot_be_edited_after_the_hook_is_made(hook, monkeypatch):
    import harness.sandbox.policy as policy

    hook, _ = hook
    monkeypatch.setattr(policy, "FORBIDDEN_IMPORTS", ())
    monkeypatch.setattr(policy, "forbidden_import", lambda name: False)
    assert "is not allowed" in refused(hook, "import", "torch", None, [], [], [])
