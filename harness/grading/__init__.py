"""The grading wing: one module per claim kind (its check beside its formula), the joint test, the criterion.

    from harness.grading import grade, prepare_sample
    report = grade("solutions/reference/bigram_0l.py")
    report.solved, report.score, report.claims[0].message
"""

from . import algorithm, attention, circuit, interchange, path, scrubbing, subspace
from .context import ClaimResult, Context, GradingSample
from .sample import ABLATIONS

CHECKS = {"circuit": circuit.check, "attention": attention.check, "scrubbing": scrubbing.check, "path": path.check,
          "algorithm": algorithm.check, "interchange": interchange.check, "subspace": subspace.check}

from .grader import GradeReport, grade, prepare_sample  # noqa: E402 (needs CHECKS)

__all__ = ["ABLATIONS", "CHECKS", "ClaimResult", "Context", "GradeReport", "GradingSample", "grade", "prepare_sample"]
