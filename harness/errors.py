"""Errors the harness raises; each message is a sentence that names the file, the field and the fix."""

from __future__ import annotations

from pathlib import Path


class PuzzleError(Exception):
    """A puzzle cannot be loaded or used as declared."""


class DeclarationError(PuzzleError):
    """A puzzle.toml (or a file it points to) is missing, malformed or inconsistent."""

    def __init__(self, path: Path | str, field: str | None, problem: str, fix: str) -> None:
        self.path = Path(path)
        self.field = field
        self.problem = problem
        self.fix = fix
        where = f"{self.path}" + (f", field `{field}`" if field else "")
        super().__init__(f"{where}: {problem} {fix}")


class SubmissionError(Exception):
    """A submission could not be run: it timed out, ran out of memory, crashed, or failed to import."""
