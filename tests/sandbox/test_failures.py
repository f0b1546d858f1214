"""Why a worker failed: each sentence names the file, what happened and the fix (pure functions)."""

import signal
from pathlib import Path

from harness.sandbox import failures
from harness.sandbox.failures import Limit, Step
from harness.sandbox.protocol import Phase

PATH = Path("/sub/bigram_0l.py")
LIMITS = dict(memory_bytes=1 << 30, cpu_seconds=10, file_size_bytes=64 << 20)


def test_timeouts_say_which_limit_and_what_to_make_faster():
    own = failures.timeout(PATH, Limit(60), Step(Phase.IMPORT))
    total = failures.timeout(PATH, Limit(600, total=True), Step(Phase.CALL, "claim 2 (attention) `rule`"))
    assert own.reason == total.reason == "timeout"
    assert "did not answer within 60 s" in own.what and "while being imported" in own.what
    assert "module-level code" in own.advice
    assert "total time limit of 600 s while running claim 2 (attention) `rule`" in total.what
    assert "vectorise" in total.advice


def test_how_the_worker_ended_decides_the_sentence():
    call = Step(Phase.CALL, "claim 0 (algorithm) `predict`")
    assert failures.died(PATH, -signal.SIGXCPU, 10.0, call, **LIMITS).reason == "cpu"
    assert failures.died(PATH, -signal.SIGKILL, 10.0, call, **LIMITS).reason == "cpu"  # SIGXCPU ignored
    killed = failures.died(PATH, -signal.SIGKILL, 1.0, call, **LIMITS)
    assert killed.reason == "signal" and "out of memory (limit 1 GiB)" in killed.what
    assert "crash in native code" in failures.died(PATH, -signal.SIGSEGV, 1.0, call, **LIMITS).what
    assert "64 MiB" in failures.died(PATH, -signal.SIGXFSZ, 1.0, call, **LIMITS).what
    exited = failures.died(PATH, 3, 1.0, call, **LIMITS)
    assert exited.reason == "exit" and "exited with code 3" in exited.what
    start = failures.died(PATH, 1, 0.1, Step(Phase.START), **LIMITS)
    assert start.reason == "worker" and "not with the submission" in start.advice  # the harness's fault


def test_fatal_errors_on_import_and_in_calls():
    memory = failures.fatal(PATH, "MemoryError: big", Step(Phase.CALL, "x"), memory_bytes=1 << 30)
    assert memory.reason == "memory" and not memory.stderr
    own = failures.fatal(PATH, f"HypothesisError: {PATH} defines no `hypothesis`.", Step(Phase.IMPORT),
                         memory_bytes=1 << 30)
    assert own.what == f"{PATH} defines no `hypothesis`" and own.advice == ""
    denied = failures.fatal(PATH, "PermissionError: no", Step(Phase.IMPORT), memory_bytes=1 << 30)
    assert denied.reason == "import" and "no reading of checkpoints" in denied.advice
    assert failures.malformed(PATH, "bad frame", Step(Phase.START)).reason == "protocol"
