"""Where puzzles live and how they are found by name (no torch import: cheap for worker processes)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from ..errors import PuzzleError
from .declaration import Declaration, load_declaration

REPO_ROOT = Path(__file__).resolve().parents[2]  # the checkout (harness/puzzle/registry.py -> the repository root)
BUNDLED = Path(__file__).resolve().parents[1] / "_puzzles"  # where a wheel install puts the puzzles (pyproject.toml)


def puzzles_dir() -> Path:
    """Where puzzles live: $INTERP_PUZZLES_DIR (a maintainer's own folder of puzzles), else the checkout's
    `puzzles/` folder, else the copy installed with the package (`pip install interp-puzzles`)."""
    if os.environ.get("INTERP_PUZZLES_DIR"):
        return Path(os.environ["INTERP_PUZZLES_DIR"])
    checkout = REPO_ROOT / "puzzles"
    return checkout if checkout.is_dir() else BUNDLED


def list_puzzles(root: Path | None = None) -> list[str]:
    """Names of all puzzles (folders holding a puzzle.toml), sorted."""
    root = root or puzzles_dir()
    return sorted(p.parent.name for p in root.glob("*/puzzle.toml"))


def load_declaration_by_name(name: str, root: Path | None = None) -> Declaration:
    """The puzzle's declaration, parsed and validated once per content of its file (a Declaration is frozen, so
    it is shared; files it points to are checked when used)."""
    root = root or puzzles_dir()
    path = root / name / "puzzle.toml"
    try:
        text = path.read_bytes() if path.is_file() else None
    except OSError:
        text = None
    if text is None:
        known = ", ".join(list_puzzles(root)) or "none"
        raise PuzzleError(f"There is no puzzle named {name!r} in {root} (no {path}). Known puzzles: {known}.")
    return _parsed(str(path), text)


@lru_cache(maxsize=64)
def _parsed(path: str, text: bytes) -> Declaration:
    return load_declaration(path)
