"""Submissions: `solutions/<solver>/` holds one hypothesis module per puzzle and a `submission.toml`.

    # solutions/<solver>/submission.toml
    display_name = "Ada Lovelace"
    method = "human"            # human | automated | baseline
    link = "https://…"          # optional
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

METHODS = ("human", "automated", "baseline")
METADATA_FILE = "submission.toml"


@dataclass(frozen=True)
class Submission:
    solver: str  # folder name; unique
    display_name: str  # shown on the leaderboard
    method: str  # human | automated | baseline
    link: str | None = None  # optional URL
    folder: Path | None = None  # None for the built-in baselines
    modules: dict[str, Path] = field(default_factory=dict)  # puzzle name -> hypothesis module
    problem: str | None = None  # why the submission cannot be graded at all (bad metadata), else None

    def sha256(self, puzzle: str) -> str:
        """Hash of what is graded: the module's bytes and the metadata file's bytes."""
        digest = hashlib.sha256()
        for path in (self.modules.get(puzzle), self.folder / METADATA_FILE if self.folder else None):
            if path is not None and path.is_file():
                digest.update(path.read_bytes())
        return digest.hexdigest()


def _read_metadata(folder: Path) -> tuple[dict, str | None]:
    path = folder / METADATA_FILE
    if not path.is_file():
        return {}, (f"{path} is missing. Add it with display_name = \"…\" and method = \"human\", \"automated\" or "
                    "\"baseline\" (link is optional).")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return {}, f"{path} is not valid TOML ({exc}). Fix its syntax."
    unknown = sorted(set(raw) - {"display_name", "method", "link"})
    if unknown:
        return {}, f"{path}, field `{unknown[0]}`: is not a known field. Use only display_name, method and link."
    if not isinstance(raw.get("display_name"), str) or not raw["display_name"].strip():
        return {}, f"{path}, field `display_name`: is missing or empty. Add display_name = \"Your name\"."
    if raw.get("method") not in METHODS:
        return {}, (f"{path}, field `method`: is {raw.get('method')!r}. Use one of {', '.join(METHODS)}.")
    if "link" in raw and not isinstance(raw["link"], str):
        return {}, f"{path}, field `link`: should be a string URL. Quote it or remove it."
    return raw, None


def discover_submissions(root: Path, puzzles: list[str]) -> list[Submission]:
    """Every `solutions/<solver>/` folder, with its modules for known puzzles (sorted by solver)."""
    found = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        meta, problem = _read_metadata(folder)
        modules = {p.stem: p for p in sorted(folder.glob("*.py")) if p.stem in puzzles}
        found.append(Submission(solver=folder.name, display_name=meta.get("display_name", folder.name),
                                method=meta.get("method", "human"), link=meta.get("link") or None,
                                folder=folder, modules=modules, problem=problem))
    return found


def unknown_modules(root: Path, puzzles: list[str]) -> list[Path]:
    """Modules named after no puzzle: reported, not graded."""
    return [p for p in sorted(root.glob("*/*.py")) if p.stem not in puzzles and not p.stem.startswith("_")]
