"""Goes around the audit hook with native code (ctypes and a Rust extension): only the kernel's Landlock
sandbox can refuse these. Signal 0 only checks permission, so a broken sandbox harms no process here.

Raises PermissionError listing every refusal when all are refused, RuntimeError naming what got through.
"""

import ctypes
import os

from harness.puzzle.registry import REPO_ROOT, puzzles_dir

libc = ctypes.CDLL(None, use_errno=True)
outcomes = []


def native(what, result):
    ok = result >= 0
    outcomes.append(f"{what}: " + ("DONE" if ok else f"refused ({os.strerror(ctypes.get_errno())})"))
    return result


fd = native("libc open leaderboard/evil_native.txt for writing",
            libc.open(str(REPO_ROOT / "leaderboard" / "evil_native.txt").encode(), os.O_WRONLY | os.O_CREAT, 0o644))
if fd >= 0:
    libc.close(fd)
fd = native("libc open the checkpoint for reading",
            libc.open(str(puzzles_dir() / "bigram_0l" / "model.safetensors").encode(), os.O_RDONLY))
if fd >= 0:
    libc.close(fd)
for victim in filter(None, os.environ.get("HOSTILE_VICTIMS", "").split(os.pathsep)):
    native(f"libc unlink {victim}", libc.unlink(victim.encode()))
native("libc kill(parent, 0)", libc.kill(os.getppid(), 0))
try:
    from safetensors.numpy import load_file

    load_file(str(puzzles_dir() / "bigram_0l" / "model.safetensors"))
    outcomes.append("safetensors (Rust) read of the checkpoint: DONE")
except Exception as exc:  # noqa: BLE001
    outcomes.append(f"safetensors (Rust) read of the checkpoint: refused ({exc.__class__.__name__}: {exc})")

if any(o.endswith("DONE") for o in outcomes):
    raise RuntimeError("CONTAINMENT BROKEN: " + "; ".join(outcomes))
raise PermissionError("all refused as they should be: " + "; ".join(outcomes))
