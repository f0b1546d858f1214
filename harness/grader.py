"""`from harness.grader import grade` — kept for notebooks; the grading wing lives in `harness.grading`."""

from .grading import GradeReport, grade, prepare_sample  # noqa: F401

__all__ = ["GradeReport", "grade", "prepare_sample"]
