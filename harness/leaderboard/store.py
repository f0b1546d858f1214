"""Result files: one JSON per (solver, puzzle), written atomically, indexed by hash, reused while unchanged.

`leaderboard/results/<solver>/<puzzle>.json` holds one `ResultRecord` (harness/leaderboard/record.py);
`leaderboard/results/index.json` records the sha256 of every result file the harness wrote, so a file that
was edited, truncated or replaced by anyone else is regraded rather than trusted, and so is one that does not
follow the schema. A stored error is reused only when the submission caused it (`error_source` "submission");
one of the harness or environment is graded again. Every string in a result is cleaned on the way in and out
(`clean`): no lone surrogates, no control characters, so no result can break the pages or the terminal.
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

from ..results_io import write_text_atomic
from .record import Identity, RecordError, ResultRecord

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

    def verified(self, solver: str, puzzle: str) -> ResultRecord | None:
        """The stored record if its file matches the hash the harness recorded and follows the schema."""
        path = result_path(self.dir, solver, puzzle)
        try:
            data = path.read_bytes()
            if self.index.get(self._key(path)) != hashlib.sha256(data).hexdigest():
                return None
            return ResultRecord.from_dict(clean(json.loads(data)), where=str(path))
        except (OSError, ValueError, RecordError):
            return None

    def reusable(self, solver: str, puzzle: str, expected: Identity) -> ResultRecord | None:
        """The stored record if it was graded under `expected` and is not an error of the harness or environment
        (those are graded again)."""
        record = self.verified(solver, puzzle)
        if record is None or record.identity != expected:
            return None
        if record.status != "ok" and record.error_source != "submission":
            return None
        return record

    def write(self, record: ResultRecord) -> Path:
        data = clean(record.to_dict())
        path = result_path(self.dir, data["solver"], data["puzzle"])
        text = json.dumps(data, indent=2, sort_keys=True, allow_nan=False) + "\n"
        write_text_atomic(path, text)
        self.index[self._key(path)] = hashlib.sha256(text.encode("utf-8")).hexdigest()
        write_text_atomic(self.index_path, json.dumps(self.index, indent=2, sort_keys=True) + "\n")
        return path
