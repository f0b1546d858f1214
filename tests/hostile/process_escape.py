"""Tries to start programs, fork, signal the grading process, reach the network, raise its own limits and
find the audit hook through the garbage collector - all from Python. Signal 0 only checks permission."""

import gc
import os
import resource
import socket
import subprocess

outcomes = []


def attempt(what, action):
    try:
        action()
        outcomes.append(f"{what}: DONE")
    except PermissionError as exc:
        outcomes.append(f"{what}: refused (PermissionError)")
    except OSError as exc:
        outcomes.append(f"{what}: failed ({exc.__class__.__name__}: {exc})")


attempt("subprocess.run", lambda: subprocess.run(["true"]))
attempt("os.system", lambda: os.system("true"))
attempt("_posixsubprocess.fork_exec", lambda: __import__("_posixsubprocess").fork_exec())  # no audit event of its own
attempt("os.fork", lambda: os.fork() or None)
attempt("os.kill(parent, 0)", lambda: os.kill(os.getppid(), 0))
attempt("connect 127.0.0.1:9", lambda: socket.create_connection(("127.0.0.1", 9), timeout=1))
attempt("raise RLIMIT_AS", lambda: resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY,) * 2))
attempt("gc.get_objects", lambda: gc.get_objects())

if any(o.endswith("DONE") for o in outcomes):
    raise RuntimeError("CONTAINMENT BROKEN: " + "; ".join(outcomes))
raise PermissionError("all refused as they should be: " + "; ".join(outcomes))
