"""harness/grader.py: the old notebook import path `from harness.grader import grade` still reaches the grading
wing's functions (the same objects, not copies)."""

import harness
import harness.grader
import harness.grading


def test_the_notebook_import_path_is_the_grading_wing():
    assert harness.grader.grade is harness.grading.grade is harness.grade
    assert harness.grader.prepare_sample is harness.grading.prepare_sample
    assert harness.grader.GradeReport is harness.grading.GradeReport
