"""Submissions are imported only in an isolated worker (harness.sandbox).

Each hostile module in tests/hostile/ misbehaves in one way. In every case the grading process is unaffected:
the failure is a SubmissionError whose sentence names the file and the cause (or the misbehaviour has no
effect), the worker's whole process group is gone and its folder removed, the module was never imported here,
and the reference graded right afterwards through the same machinery still solves with the same results.
"""

from __future__ import annotations

import functools
import gc
import os
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import harness
import harness.grader

try:  # grader v2 keeps the claim checks in harness.grading
    import harness.grading as claim_checks
except ImportError:  # pragma: no cover - before grader v2
    import harness.grading as claim_checks
from harness.errors import SubmissionError
from harness.grader import grade
from harness.hypothesis import Hypothesis
from harness.sandbox.client import IsolatedSubmission, RemoteFunction, grade_isolated
from harness.puzzle.registry import REPO_ROOT
from harness.sandbox.process import bubblewrap_problem

HOSTILE = Path(__file__).resolve().parents[1] / "hostile"
REFERENCE = REPO_ROOT / "solutions" / "reference"
LEADERBOARD = REPO_ROOT / "leaderboard"
LIMITS = {"import_timeout_s": 30, "call_timeout_s": 15, "total_timeout_s": 120}  # generous; hostile cases tighten one


@functools.lru_cache(maxsize=None)
def puzzle(name: str):
    return harness.load_puzzle(name)


def comparable(report) -> dict:
    data = report.to_dict()
    data.pop("seconds")
    return data


@functools.lru_cache(maxsize=None)
def in_process(name: str) -> dict:
    return comparable(grade(REFERENCE / f"{name}.py", puzzle=puzzle(name)))


def assert_never_imported_here(path: Path) -> None:
    for module in list(sys.modules.values()):
        file = getattr(module, "__file__", None)
        assert not (file and Path(file).resolve() == path.resolve()), f"{path} was imported by the grading process"


def assert_worker_gone(submission: IsolatedSubmission) -> None:
    assert submission._worker.reaped
    with pytest.raises(ProcessLookupError):
        os.killpg(submission.pid, 0)  # nothing left in the worker's process group
    assert not os.path.exists(submission._worker.workdir)


def assert_reference_still_solves() -> None:
    """A well-behaved submission graded right after: solved, and identical to grading it in-process."""
    report = grade_isolated(REFERENCE / "bigram_0l.py", puzzle("bigram_0l"), **LIMITS)
    assert report.solved and report.score == 1.0, report.failures
    assert comparable(report) == in_process("bigram_0l")


def hostile_failure(name: str, **limits) -> tuple[SubmissionError, IsolatedSubmission]:
    """Grade tests/hostile/<name>.py in isolation; it must end in a SubmissionError naming the file."""
    path = HOSTILE / f"{name}.py"
    with IsolatedSubmission(path, **{**LIMITS, **limits}) as submission:
        with pytest.raises(SubmissionError) as info:
            grade(submission.hypothesis(), puzzle=puzzle("bigram_0l"), call=submission.call)
    error = info.value
    message = str(error)
    assert str(path) in message, message
    assert message.rstrip().endswith("."), message
    assert error.path == path and error.reason, message
    assert submission.failure is error
    assert_worker_gone(submission)
    assert_never_imported_here(path)
    return error, submission


# --- hostile cases -------------------------------------------------------------------------------------------------

def test_endless_import_times_out():
    error, _ = hostile_failure("import_loop", import_timeout_s=2)
    assert error.reason == "timeout"
    assert "did not answer within 2 s (wall-clock limit) while being imported" in str(error)
    assert_reference_still_solves()


def test_endless_function_times_out():
    error, submission = hostile_failure("function_loop", call_timeout_s=2)
    assert error.reason == "timeout"
    assert "did not answer within 2 s (wall-clock limit) while running claim 1 (algorithm) `predict`" in str(error)
    with pytest.raises(SubmissionError) as again:  # a failed worker stays failed
        submission.call(1, "predict", (np.zeros((1, 32), dtype=np.int64),))
    assert again.value is error
    assert_reference_still_solves()


def test_endless_function_stops_at_the_total_limit():
    error, _ = hostile_failure("function_loop", call_timeout_s=60, total_timeout_s=3)
    assert error.reason == "timeout"
    assert "used up its total time limit of 3 s while running claim 1" in str(error)
    assert_reference_still_solves()


def test_huge_allocation_on_import_runs_out_of_memory():
    error, _ = hostile_failure("memory_import", memory_bytes=2 * 2**30)
    assert error.reason == "memory"
    assert "ran out of memory (limit 2 GiB) while being imported" in str(error)
    assert_reference_still_solves()


def test_huge_allocation_in_a_function_runs_out_of_memory():
    error, _ = hostile_failure("memory_call", memory_bytes=2 * 2**30)
    assert error.reason == "memory"
    assert "ran out of memory (limit 2 GiB) while running claim 1 (algorithm) `predict`" in str(error)
    assert_reference_still_solves()


def test_sys_exit_on_import():
    error, _ = hostile_failure("exit_on_import")
    assert error.reason == "exit"
    assert "exited with code 3 while being imported (it calls sys.exit or os._exit?)" in str(error)
    assert_reference_still_solves()


def test_os_exit_in_a_function():
    error, _ = hostile_failure("os_exit_in_function")
    assert error.reason == "exit"
    assert "exited with code 0 while running claim 1 (algorithm) `predict`" in str(error)
    assert_reference_still_solves()


def test_segfault_in_a_function():
    error, _ = hostile_failure("segfault")
    assert error.reason == "signal"
    assert "was killed by signal SIGSEGV while running claim 1 (algorithm) `predict`" in str(error)
    assert "segfault.py" in str(error).split("stderr ended with:")[-1]  # faulthandler's traceback is quoted
    assert_reference_still_solves()


def test_exception_on_import():
    error, _ = hostile_failure("raises_on_import")
    assert error.reason == "import"
    assert "raised ValueError on import: boom at import time." in str(error)
    assert_reference_still_solves()


def test_syntax_error():
    error, _ = hostile_failure("syntax_error")
    assert error.reason == "import"
    assert "raised SyntaxError on import:" in str(error) and "(line 3)" in str(error)
    assert_reference_still_solves()


def test_ordinary_exception_in_a_function_fails_only_its_claim():
    report = grade_isolated(HOSTILE / "raising_function.py", puzzle("bigram_0l"), **LIMITS)
    circuit, algorithm = report.claims
    assert circuit.verdict == "vacuous"  # a circuit of bigram_0l's single component cannot fail
    assert not algorithm.passed and algorithm.failures == ["algorithm.error"]
    assert "ValueError: this predict always fails" in algorithm.message
    assert not report.solved
    assert_reference_still_solves()


def test_monkeypatching_and_junk_output_stay_in_the_worker():
    before = in_process("bigram_0l")
    mean, add, grade_fn, checks = np.mean, torch.Tensor.__add__, harness.grader.grade, dict(claim_checks.CHECKS)
    path = HOSTILE / "monkeypatcher.py"
    with IsolatedSubmission(path, **LIMITS) as submission:
        hypothesis = submission.hypothesis()
        assert hypothesis.metadata == {"ok": [1, 2.5, "x"]}  # what is not plain JSON is dropped
        report = grade(hypothesis, puzzle=puzzle("bigram_0l"), call=submission.call)
    assert report.solved and report.score == 1.0, report.failures  # its own functions still work
    assert_never_imported_here(path)
    assert_worker_gone(submission)
    assert (np.mean, torch.Tensor.__add__, harness.grader.grade) == (mean, add, grade_fn)
    assert claim_checks.CHECKS == checks and np.mean([1.0, 3.0]) == 2.0
    assert (torch.ones(2) + 1).tolist() == [2.0, 2.0]
    after = comparable(grade(REFERENCE / "bigram_0l.py", puzzle=puzzle("bigram_0l")))
    assert after == before
    assert_reference_still_solves()


@pytest.fixture
def victims(tmp_path, monkeypatch):
    """Files outside the worker's folder (one in leaderboard/) that hostile modules try to change or remove."""
    names = [tmp_path / "victim.txt", LEADERBOARD / f".isolation-test-victim-{os.getpid()}"]
    for victim in names:
        victim.write_text("keep me")
    monkeypatch.setenv("HOSTILE_VICTIMS", os.pathsep.join(map(str, names)))
    yield names
    names[1].unlink(missing_ok=True)


def kernel_sandbox_report() -> dict:
    """What the worker enforces here, from a submission that fails at once (the report comes before its import)."""
    with IsolatedSubmission(HOSTILE / "raises_on_import.py", **LIMITS) as submission:
        with pytest.raises(SubmissionError):
            submission.hypothesis()
    return submission.sandbox


def assert_untouched(victims: list[Path]) -> None:
    for victim in victims:
        assert victim.read_text() == "keep me" and victim.stat().st_mode & 0o600 == 0o600
        assert not Path(f"{victim}.moved").exists()
    for name in ("evil.txt", "evil_dir", "evil_link", "evil_copy.py", "evil_native.txt"):
        assert not os.path.lexists(LEADERBOARD / name), f"leaderboard/{name} was created"


# The audit hook alone (kernel_sandbox=False) must refuse what Python code does; Landlock backs it up where the
# kernel has it, and is the only thing that stops native code (test_native_code_is_stopped_by_the_kernel_sandbox).
LAYERS = pytest.mark.parametrize("kernel_sandbox", [True, False], ids=["audit+landlock", "audit-hook-only"])


@LAYERS
def test_writing_into_the_leaderboard_is_refused(victims, kernel_sandbox):
    error, _ = hostile_failure("leaderboard_writer", kernel_sandbox=kernel_sandbox)
    message = str(error)
    assert error.reason == "import"
    assert "raised PermissionError on import: all refused as they should be" in message, message
    assert "write ./scratch.txt: DONE" in message and message.count("DONE") == 1  # only in its own folder
    assert_untouched(victims)
    assert_reference_still_solves()


@LAYERS
def test_reading_the_checkpoint_is_refused(kernel_sandbox):
    error, _ = hostile_failure("checkpoint_reader", kernel_sandbox=kernel_sandbox)
    assert error.reason == "import"
    assert "raised PermissionError on import: reading" in str(error)
    assert "model.safetensors" in str(error)
    assert_reference_still_solves()


@LAYERS
def test_programs_fork_signals_network_and_limits_are_refused(kernel_sandbox):
    error, _ = hostile_failure("process_escape", kernel_sandbox=kernel_sandbox)
    message = str(error)
    assert "raised PermissionError on import: all refused as they should be" in message, message
    for what in ("subprocess.run", "os.system", "_posixsubprocess.fork_exec", "os.fork", "os.kill(parent, 0)", "connect", "raise RLIMIT_AS",
                 "gc.get_objects"):
        assert f"{what}" in message
    assert_reference_still_solves()


def test_native_code_is_stopped_by_the_kernel_sandbox(victims):
    """ctypes and C/Rust extensions bypass the audit hook; Landlock (where the kernel has it) refuses them."""
    sandbox = kernel_sandbox_report()
    if not sandbox.get("landlock_signals"):  # pragma: no cover - depends on the kernel
        pytest.skip(f"Landlock ABI {sandbox.get('landlock')} ({sandbox.get('landlock_error', 'ABI 6 scopes signals')}):"
                    " native code in a submission could get past some of the sandbox here, so this module is not run")
    assert sandbox["landlock_reads_limited"]
    error, _ = hostile_failure("native_escape")
    message = str(error)
    assert "raised PermissionError on import: all refused as they should be" in message, message
    assert "safetensors (Rust) read of the checkpoint: refused" in message
    assert_untouched(victims)
    assert_reference_still_solves()


def test_forged_protocol_frames_are_rejected():
    error, _ = hostile_failure("protocol_forger")
    assert error.reason == "protocol"
    assert "sent the grader a malformed reply while running claim 1 (algorithm) `predict`" in str(error)
    assert_reference_still_solves()


# --- the well-behaved path -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["bigram_0l", "rederive_position"])
def test_isolated_grade_equals_in_process_grade(name):
    path = REFERENCE / f"{name}.py"
    report = grade_isolated(path, puzzle(name), **LIMITS)
    assert report.solved and report.score == 1.0, report.failures
    assert comparable(report) == in_process(name)
    assert_never_imported_here(path)


def test_rebuilt_hypothesis_has_stub_functions():
    with IsolatedSubmission(REFERENCE / "rederive_position.py", **LIMITS) as submission:
        hypothesis = submission.hypothesis()
        assert isinstance(hypothesis, Hypothesis) and hypothesis.puzzle == "rederive_position"
        kinds = [c.kind for c in hypothesis.claims]
        attention = hypothesis.claims[kinds.index("attention")]
        assert attention.queries in (None, list(range(1, 10)))  # grader v2 references leave it to the puzzle
        assert isinstance(attention.rule, RemoteFunction)
        with pytest.raises(RuntimeError, match="runs only inside its isolated worker"):
            attention.rule(np.zeros((1, 10), dtype=np.int64))
        tokens = np.arange(20).reshape(2, 10)
        previous = submission.call(kinds.index("interchange"), "variable", (tokens,))
        assert previous.dtype == np.int64 and previous[:, 1:].tolist() == tokens[:, :-1].tolist()
        with pytest.raises(ValueError, match="no function `rule`"):
            submission.call(0, "rule", (tokens,))
        assert submission.sandbox.get("audit_hook") is True
    assert_worker_gone(submission)


def test_garbage_collection_reaps_the_worker():
    submission = IsolatedSubmission(REFERENCE / "bigram_0l.py", **LIMITS)
    pid, workdir = submission.pid, submission._worker.workdir
    del submission
    gc.collect()
    with pytest.raises(ProcessLookupError):
        os.killpg(pid, 0)
    assert not os.path.exists(workdir)


# --- issue 8: CPU time, disk and threads -------------------------------------------------------------------------------

def test_cpu_time_is_limited_not_only_wall_clock():
    """Background threads can compute on every core at once; the worker's CPU time is capped on its own."""
    error, _ = hostile_failure("cpu_burner", cpu_seconds=2, import_timeout_s=60)
    assert error.reason == "cpu"
    assert "used up its CPU-time limit of 2 s while being imported" in str(error)
    assert_reference_still_solves()


@pytest.mark.skipif(bubblewrap_problem() is not None, reason=f"no disk cap without bubblewrap: {bubblewrap_problem()}")
def test_the_working_directory_has_a_disk_cap():
    error, _ = hostile_failure("disk_filler")
    assert error.reason == "import"
    assert "No space left on device" in str(error), str(error)
    assert_reference_still_solves()


@pytest.mark.skipif(bubblewrap_problem() is not None, reason=f"no thread cap without bubblewrap: {bubblewrap_problem()}")
def test_threads_and_processes_are_capped():
    error, _ = hostile_failure("thread_bomb")
    assert error.reason == "import"
    assert "can't start new thread" in str(error), str(error)
    assert_reference_still_solves()


def test_a_hypothesis_too_large_to_grade_is_refused_before_grading():
    error, _ = hostile_failure("many_names")
    assert error.reason == "size"
    assert "has 1 claims naming 20001 components in all; at most 1000 claims and 10000 names" in str(error)


def test_a_subspace_claim_crosses_the_boundary(tmp_path):
    """An array field (the basis) and optional function fields (absent, or present) survive the isolated worker:
    the grade matches grading in-process."""
    module = tmp_path / "subspace_hypothesis.py"
    module.write_text(
        "import numpy as np\n"
        "from harness.hypothesis import Hypothesis, Subspace\n"
        "B = np.random.default_rng(3).standard_normal((8, 128))\n"
        "def label(base, source):\n"
        "    out = np.full(base.shape, -1)\n"
        "    out[:, 1:] = source[:, :-1]\n"
        "    return out\n"
        "hypothesis = Hypothesis('rederive_position', [Subspace('L1H0', B),\n"
        "                                              Subspace('L1H0', B, variable=lambda t: t, predict=label)])\n")
    isolated = grade_isolated(module, puzzle("rederive_position"), n=32, **LIMITS)
    local = grade(module, puzzle=puzzle("rederive_position"), n=32)
    assert [(c.kind, c.value, c.failures) for c in isolated.claims] == [(c.kind, c.value, c.failures) for c in local.claims]
    assert "interchange" in isolated.claims[1].details and "interchange" not in isolated.claims[0].details
