"""Submissions: `solutions/<solver>/` holds one hypothesis module per puzzle and a `submission.toml`.

    # solutions/<solver>/submission.toml
    display_name = "Ada Lovelace"    # at most 80 characters, no control characters, not "Baseline…"
    method = "human"                 # human | automated  ("baseline" is the harness's own)
    link = "https://…"               # optional; http(s), at most 500 characters

A solver name (the folder's name) is 1-64 ASCII letters, digits, '-' or '_', starting with a letter or digit,
and not starting with "baseline" (reserved for the harness's baselines). Everything in a submission's folder is
untrusted: only regular files are read (no FIFOs or devices), a symbolic link must stay inside the folder, and
sizes are capped. A folder that breaks a rule still appears on the leaderboard, as an error row that says why.
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import SubmissionFileError
from ..sandbox.files import folder_files, read_regular, shown

METHODS = ("human", "automated")
METADATA_FILE = "submission.toml"
SOLVER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
RESERVED_PREFIX = "baseline"
MAX_METADATA_BYTES = 64 * 1024
MAX_DISPLAY_NAME = 80
MAX_LINK = 500


@dataclass(frozen=True)
class Submission:
    solver: str  # folder name; unique (an invalid folder name gets a key of its own, "_invalid-…")
    display_name: str  # shown on the leaderboard
    method: str  # human | automated
    link: str | None = None  # optional URL
    folder: Path | None = None  # None for the built-in baselines
    modules: dict[str, Path] = field(default_factory=dict)  # puzzle name -> hypothesis module
    problem: str | None = None  # why the submission cannot be graded at all, else None
    digest: str = ""  # sha256 of every file in the folder (names and bytes)

    def sha256(self, puzzle: str) -> str:
        """Hash of what is graded: every file in the folder (helpers too), so any change regrades."""
        return self.digest


def _has_control(text: str) -> bool:
    return any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn") for c in text)


def _read_metadata(folder: Path) -> tuple[dict, str | None]:
    path = folder / METADATA_FILE
    name = shown(str(path))
    if not os.path.lexists(path):
        return {}, (f"{name} is missing. Add it with display_name = \"…\" and method = \"human\" or \"automated\" "
                    "(link is optional).")
    try:
        raw = tomllib.loads(read_regular(path, folder, MAX_METADATA_BYTES).decode("utf-8"))
    except SubmissionFileError as exc:
        return {}, str(exc)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return {}, f"{name} is not valid UTF-8 TOML ({exc}). Fix its syntax."
    unknown = sorted(set(raw) - {"display_name", "method", "link"})
    if unknown:
        return {}, f"{name}, field `{shown(unknown[0])}`: is not a known field. Use only display_name, method and link."
    method = raw.get("method")
    if method == "baseline":
        return {}, (f"{name}, field `method`: \"baseline\" is reserved for the harness's own baselines. Use "
                    "\"human\" or \"automated\".")
    if method not in METHODS:
        return {}, f"{name}, field `method`: is {shown(str(method))!r}. Use one of {', '.join(METHODS)}."
    display = raw.get("display_name")
    if not isinstance(display, str) or not display.strip():
        return {}, f"{name}, field `display_name`: is missing or empty. Add display_name = \"Your name\"."
    if len(display) > MAX_DISPLAY_NAME or _has_control(display):
        return {}, (f"{name}, field `display_name`: has {len(display)} characters or control characters. Use at most "
                    f"{MAX_DISPLAY_NAME} printable characters.")
    if display.strip().lower().startswith(RESERVED_PREFIX):
        return {}, (f"{name}, field `display_name`: starts with \"Baseline\", which is reserved for the harness's "
                    "own baselines. Choose another name.")
    link = raw.get("link")
    if link is not None and (not isinstance(link, str) or len(link) > MAX_LINK or _has_control(link)
                             or any(c.isspace() for c in link) or not link.startswith(("https://", "http://"))):
        return {}, (f"{name}, field `link`: must be one http(s) URL of at most {MAX_LINK} characters, without "
                    "spaces or control characters. Fix it or remove it.")
    return raw, None


def _folder_problem(folder: Path) -> str | None:
    """Why a folder's name cannot be a solver name, or None."""
    name = folder.name
    if not SOLVER_NAME.fullmatch(name):
        return (f"{shown(str(folder))}: the folder name {shown(name)!r} is not a valid solver name. Rename the folder "
                "to 1-64 ASCII letters, digits, '-' or '_', starting with a letter or digit.")
    if name.lower().startswith(RESERVED_PREFIX):
        return (f"{shown(str(folder))}: the folder name {name!r} is reserved for the harness's baselines. Rename the "
                "folder so that it does not start with \"baseline\".")
    return None


def folder_digest(files: list[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    for rel, data in files:
        digest.update(len(rel.encode("utf-8", "surrogateescape")).to_bytes(8, "big"))
        digest.update(rel.encode("utf-8", "surrogateescape"))
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def discover_submissions(root: Path, puzzles: list[str]) -> list[Submission]:
    """Every `solutions/<solver>/` folder, with its modules for known puzzles (sorted by solver).

    A folder with a bad name, unsafe files or bad metadata is still returned, with `problem` set."""
    found = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.is_symlink()
                         and not p.name.startswith((".", "_"))):
        modules = {p.stem: p for p in sorted(folder.glob("*.py")) if p.stem in puzzles}
        problem = _folder_problem(folder)
        solver = folder.name
        if problem:
            solver = "_invalid-" + hashlib.sha256(os.fsencode(folder.name)).hexdigest()[:12]
            found.append(Submission(solver=solver, display_name=shown(folder.name, 80), method="human", folder=folder,
                                    modules=modules, problem=problem))
            continue
        meta, problem = _read_metadata(folder)
        digest = ""
        try:
            digest = folder_digest(folder_files(folder))
        except SubmissionFileError as exc:
            problem = problem or str(exc)
        except OSError as exc:
            problem = problem or f"{shown(str(folder))} cannot be read ({exc.strerror}). Fix its permissions."
        found.append(Submission(solver=solver, display_name=meta.get("display_name", folder.name),
                                method=meta.get("method", "human"), link=meta.get("link") or None,
                                folder=folder, modules=modules, problem=problem, digest=digest))
    return found


def unknown_modules(root: Path, puzzles: list[str]) -> list[Path]:
    """Modules named after no puzzle: reported, not graded."""
    return [p for p in sorted(root.glob("*/*.py")) if p.stem not in puzzles and not p.stem.startswith("_")]
