"""Every error the harness raises (harness/errors.py): the tree its docstring draws, the attributes the callers
read, and messages that are sentences naming the file, the field and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

import harness.errors as errors
from harness.errors import (DeclarationError, GradeBudgetExceeded, HypothesisError, LayoutError, LeaderboardBusy,
                            PuzzleError, RecordError, SubmissionError, SubmissionFileError, WireError)

TREE = {PuzzleError: Exception, DeclarationError: PuzzleError, RecordError: PuzzleError, LeaderboardBusy: PuzzleError,
        SubmissionError: Exception, SubmissionFileError: Exception, HypothesisError: ValueError, WireError: ValueError,
        LayoutError: ValueError, GradeBudgetExceeded: BaseException}


@pytest.mark.parametrize("cls", list(TREE), ids=lambda c: c.__name__)
def test_every_error_has_the_documented_parent(cls):
    assert cls.__bases__ == (TREE[cls],)
    assert cls.__doc__ and cls.__name__ in errors.__doc__  # and appears in the drawn tree


def test_the_tree_lists_every_error_class_of_the_module():
    defined = {obj for obj in vars(errors).values() if isinstance(obj, type) and issubclass(obj, BaseException)
               and obj.__module__ == errors.__name__}
    assert defined == set(TREE)


def test_the_budget_is_not_caught_by_except_exception():
    with pytest.raises(GradeBudgetExceeded):
        try:
            raise GradeBudgetExceeded("job over budget")
        except Exception:  # noqa: BLE001 - what the grader's own handlers do
            pytest.fail("GradeBudgetExceeded was caught as an Exception")


def test_a_declaration_error_names_the_file_the_field_and_the_fix(tmp_path):
    path = tmp_path / "puzzle.toml"
    exc = DeclarationError(path, "grading.n", "is -3.", "Give a positive number of rows.")
    assert (exc.path, exc.field, exc.problem, exc.fix) == (path, "grading.n", "is -3.", "Give a positive number of rows.")
    assert str(exc) == f"{path}, field `grading.n`: is -3. Give a positive number of rows."
    without_field = DeclarationError(str(path), None, "is missing.", "Copy a puzzle folder.")
    assert isinstance(without_field.path, Path) and str(without_field) == f"{path}: is missing. Copy a puzzle folder."
    assert isinstance(exc, PuzzleError)


def test_submission_and_layout_errors_keep_what_callers_read():
    exc = SubmissionError("The submission timed out.", path="/s/x.py", reason="timeout", stderr="tail")
    assert (str(exc), exc.path, exc.reason, exc.stderr) == ("The submission timed out.", Path("/s/x.py"), "timeout", "tail")
    assert SubmissionError("x").path is None and SubmissionError("x").reason is None
    layout = LayoutError("The state dict has no embed.W_E.", "Save model.state_dict().")
    assert (str(layout), layout.problem, layout.fix) == ("The state dict has no embed.W_E.", "The state dict has no embed.W_E.",
                                                          "Save model.state_dict().")


def test_the_errors_solvers_catch_are_the_same_classes_where_they_are_re_exported():
    import harness
    import harness.hypothesis

    assert harness.PuzzleError is PuzzleError and harness.DeclarationError is DeclarationError
    assert harness.hypothesis.HypothesisError is HypothesisError


@pytest.mark.parametrize("value, text", [("x", "a str"), (3, "an int"), ([], "a list"), (object(), "an object")])
def test_a_type_names_a_values_type_with_its_article(value, text):
    assert errors.a_type(value) == text
