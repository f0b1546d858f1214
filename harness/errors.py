"""Every error the harness raises, in one place; each message is a full sentence that names the file, the
field and the fix.

    Exception
    ├── PuzzleError                  a puzzle, its declaration or the leaderboard's files cannot be used as they are
    │   ├── DeclarationError         a puzzle.toml (or a file it points to) is missing, malformed or inconsistent
    │   ├── RecordError              a result file does not follow the result schema (it is graded again)
    │   └── LeaderboardBusy          another leaderboard run holds the lock
    ├── SubmissionError              a submission could not be run: timed out, out of memory, crashed, failed to import
    ├── SubmissionFileError          a file in a submission's folder cannot be read safely
    └── ValueError
        ├── HypothesisError          a hypothesis module cannot be used (raised before any model runs)
        ├── WireError                data from a grading worker does not have the expected shape
        └── LayoutError              a checkpoint's state dict is in neither layout the harness reads
    BaseException
    └── GradeBudgetExceeded          one leaderboard job used up its time budget (not an Exception, so that no
                                     `except Exception` inside the grader can swallow it)
"""

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


class RecordError(PuzzleError):
    """A result file that does not follow the result schema."""


class LeaderboardBusy(PuzzleError):
    """Another leaderboard run holds the lock."""


class SubmissionError(Exception):
    """A submission could not be run: it timed out, ran out of memory, crashed, or failed to import.

    reason: a short key for what happened ("timeout", "memory", "crash", "import", "worker", ...); "worker" means the
    harness or its environment failed, not the submission. stderr: the end of the worker's stderr."""

    def __init__(self, message: str, *, path: Path | str | None = None, reason: str | None = None,
                 stderr: str = "") -> None:
        super().__init__(message)
        self.path = None if path is None else Path(path)
        self.reason = reason
        self.stderr = stderr


class SubmissionFileError(Exception):
    """A file in a submission's folder cannot be read safely; the message names it and the fix."""


class HypothesisError(ValueError):
    """A hypothesis module cannot be used: raised before any model runs."""


class WireError(ValueError):
    """Data on the wire does not have the expected shape (a broken or hostile worker)."""


class LayoutError(ValueError):
    """A state dict that cannot be read in either layout; `fix` says what to do about it."""

    def __init__(self, problem: str, fix: str) -> None:
        super().__init__(problem)
        self.problem, self.fix = problem, fix


class GradeBudgetExceeded(BaseException):
    """Raised (from SIGALRM) in the grading process when one job used up its time budget; a BaseException so
    that no `except Exception` in the grader swallows it."""


def a_type(value: object) -> str:
    """The value's type with its article ("a str", "an int"), for the error sentences above."""
    name = type(value).__name__
    return ("an " if name[:1].lower() in "aeiou" else "a ") + name
