"""Result files: one JSON per (solver, puzzle), written atomically, indexed by hash, reused while unchanged.

`leaderboard/results/<solver>/<puzzle>.json` follows SCHEMA_VERSION; `leaderboard/results/index.json`
records the sha256 of every result file the harness wrote, so a file that was edited, truncated or
replaced by anyone else is regraded rather than trusted. A stored error is reused only when the
submission caused it (`error_source` "submission"); one of the harness or environment is graded again.
Every string in a result is cleaned on the way in and out (`clean`): no lone surrogates, no control
characters, so no result can break the pages or the terminal.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
import re
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

from .results_io import write_text_atomic

SCHEMA_VERSION = 1
INDEX = "index.json"
PACKAGES = ("torch", "transformer-lens", "numpy", "datasets", "safetensors")


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def clean(value: Any) -> Any:
    """`value` with every string made safe to write and show: lone surrogates become U+FFFD, control characters
    (ANSI escapes, bidi overrides) are dropped; newlines and tabs stay."""
    if isinstance(value, str):
        return _CONTROL.sub("", value.encode("utf-8", "replace").decode("utf-8"))
    if isinstance(value, dict):
        return {clean(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    return value


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def git_commit(repo: Path) -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def result_path(results_dir: Path, solver: str, puzzle: str) -> Path:
    return results_dir / solver / f"{puzzle}.json"


def identity(*, puzzle_version: int, checkpoint_sha256: str | None, submission_sha256: str, harness_version: str,
             grading_seed: int) -> dict[str, Any]:
    """The fields that decide whether an old result may be reused."""
    return {"puzzle_version": puzzle_version, "checkpoint_sha256": checkpoint_sha256,
            "submission_sha256": submission_sha256, "harness_version": harness_version, "grading_seed": grading_seed}


class ResultStore:
    """Reads and writes result files under one folder, keeping the hash index current."""

    def __init__(self, results_dir: Path) -> None:
        self.dir = results_dir
        self.index_path = results_dir / INDEX
        self.index = self._read_index()

    def _read_index(self) -> dict[str, str]:
        try:
            index = json.loads(self.index_path.read_text(encoding="utf-8"))
            return {str(k): str(v) for k, v in index.items()} if isinstance(index, dict) else {}
        except (OSError, ValueError):
            return {}

    def _key(self, path: Path) -> str:
        return path.relative_to(self.dir).as_posix()

    def reusable(self, solver: str, puzzle: str, expected: dict[str, Any], for_reuse: bool = False) -> dict[str, Any] | None:
        """The stored result if it parses, matches its recorded hash and was graded under `expected`.

        for_reuse: also require that it is not an error of the harness or environment (those are regraded)."""
        path = result_path(self.dir, solver, puzzle)
        try:
            data = path.read_bytes()
            result = json.loads(data)
        except (OSError, ValueError):
            return None
        if self.index.get(self._key(path)) != hashlib.sha256(data).hexdigest():
            return None
        if not isinstance(result, dict) or result.get("schema_version") != SCHEMA_VERSION:
            return None
        if any(result.get(k) != v for k, v in expected.items()):
            return None
        if for_reuse and result.get("status") != "ok" and result.get("error_source") != "submission":
            return None
        return clean(result)

    def write(self, result: dict[str, Any]) -> Path:
        result = clean(result)
        path = result_path(self.dir, result["solver"], result["puzzle"])
        text = json.dumps(result, indent=2, sort_keys=True, allow_nan=False) + "\n"
        write_text_atomic(path, text)
        self.index[self._key(path)] = hashlib.sha256(text.encode("utf-8")).hexdigest()
        write_text_atomic(self.index_path, json.dumps(self.index, indent=2, sort_keys=True) + "\n")
        return path

    def verified(self, solver: str, puzzle: str) -> dict[str, Any] | None:
        """A stored result that matches the index (whatever it was graded under)."""
        return self.reusable(solver, puzzle, {})
