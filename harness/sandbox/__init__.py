"""The sandbox wing: a submission's module runs only in a worker process of its own; the grader talks to it.

    protocol.py  what travels between the two processes (frames, arrays, limits, phases), defined once
    process.py   starting, containing (bubblewrap, else a session of its own) and ending a worker
    client.py    IsolatedSubmission: the grader's side, just another way to call a hypothesis's functions
    failures.py  why a worker failed, as one sentence with the fix
    policy.py    the worker's own guards: rlimits, Landlock, the audit hook
    worker.py    the worker itself (`python -m harness.sandbox.worker`)

Importing this package imports nothing heavy: the worker imports `harness.sandbox.protocol` before its limits
are set. The public names load on first use.
"""


def __getattr__(name: str):
    if name in ("IsolatedSubmission", "RemoteFunction", "grade_isolated"):
        from . import client

        return getattr(client, name)
    if name in ("bubblewrap_problem", "start_worker"):
        from . import process

        return getattr(process, name)
    raise AttributeError(f"module 'harness.sandbox' has no attribute {name!r}")


__all__ = ["IsolatedSubmission", "RemoteFunction", "bubblewrap_problem", "grade_isolated", "start_worker"]
