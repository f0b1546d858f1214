"""Tries to write into leaderboard/ and to remove, rename or overwrite files outside its own folder.

Every attempt must be refused; the module then raises, listing what happened to each attempt, so the grading
process reports an import error naming PermissionError. `HOSTILE_VICTIMS` (os.pathsep-separated) names files
the test created for it to try to remove.
"""

import os
import shutil

from harness.puzzle.registry import REPO_ROOT

LEADERBOARD = REPO_ROOT / "leaderboard"
outcomes = []


def attempt(what, action):
    try:
        action()
        outcomes.append(f"{what}: DONE")
    except PermissionError as exc:
        outcomes.append(f"{what}: refused (PermissionError)")
    except OSError as exc:
        outcomes.append(f"{what}: failed ({exc.__class__.__name__}: {exc})")


def write(path, mode="w"):
    with open(path, mode) as handle:
        handle.write("pwned")


attempt("write ./scratch.txt", lambda: write("scratch.txt"))  # inside its own working directory: fine
attempt("write leaderboard/evil.txt", lambda: write(LEADERBOARD / "evil.txt"))
attempt("append leaderboard/evil.txt", lambda: write(LEADERBOARD / "evil.txt", "a"))
attempt("os.open leaderboard/evil.txt", lambda: os.close(os.open(LEADERBOARD / "evil.txt", os.O_WRONLY | os.O_CREAT)))
attempt("mkdir leaderboard/evil_dir", lambda: os.mkdir(LEADERBOARD / "evil_dir"))
attempt("symlink into leaderboard", lambda: os.symlink("/etc/passwd", LEADERBOARD / "evil_link"))
attempt("copy into leaderboard", lambda: shutil.copyfile(__file__, LEADERBOARD / "evil_copy.py"))
for victim in filter(None, os.environ.get("HOSTILE_VICTIMS", "").split(os.pathsep)):
    attempt(f"overwrite {victim}", lambda: write(victim))
    attempt(f"truncate {victim}", lambda: os.truncate(victim, 0))
    attempt(f"chmod {victim}", lambda: os.chmod(victim, 0))
    attempt(f"rename {victim}", lambda: os.rename(victim, victim + ".moved"))
    attempt(f"remove {victim}", lambda: os.remove(victim))

inside, outside = outcomes[0], outcomes[1:]
if all("refused (PermissionError" in o for o in outside) and inside.endswith("DONE"):
    raise PermissionError("all refused as they should be: " + "; ".join(outcomes))
raise RuntimeError("CONTAINMENT BROKEN: " + "; ".join(outcomes))
