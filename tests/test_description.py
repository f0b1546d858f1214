"""The description length (harness/description.py): what it counts, what it leaves out, and that the grading worker
runs a module without the docstrings it leaves out."""

from __future__ import annotations

import numpy as np
import pytest

from harness.description import budget_failure, code_without_docstrings, description_bytes
from harness.errors import HypothesisError
from harness.hypothesis import import_module
from harness.puzzle.declaration import GradingSpec

CODE = "import numpy as np\n\ndef rule(tokens):\n    return tokens - 1\n"


def test_comments_and_docstrings_are_free_and_code_is_not():
    plain = description_bytes(CODE)
    prose = '"""' + "A long explanation of the mechanism. " * 200 + '"""\n'
    documented = prose + CODE.replace("def rule(tokens):\n", "def rule(tokens):\n    " + prose + "    # a comment\n")
    assert description_bytes(documented) == plain
    assert description_bytes(CODE + "TABLE = [1, 2, 3]\n") > plain


def test_a_table_copied_from_weights_is_over_the_default_budget_and_a_rule_is_not():
    table = np.round(np.random.default_rng(0).normal(size=(50, 50)), 1).tolist()
    budget = GradingSpec().max_description_bytes
    assert description_bytes(CODE + f"QK = {table!r}\n") > budget
    assert description_bytes(CODE) < budget / 10
    assert budget_failure(budget, budget) is None
    assert "over the puzzle's budget" in budget_failure(budget + 1, budget)


def test_docstrings_are_removed_from_the_code_that_runs(tmp_path):
    source = '"""1, 2, 3"""\ndef f():\n    """4, 5"""\nDOC = __doc__\nF = f.__doc__\n'
    path = tmp_path / "m.py"
    path.write_text(source)
    as_graded = import_module(path, source)  # what the grading worker runs
    assert as_graded.DOC == "" and as_graded.F is None
    assert import_module(path).DOC == "1, 2, 3"  # a plain import keeps them (a notebook's)
    assert code_without_docstrings(source, path).co_filename == str(path)


def test_a_syntax_error_names_the_file_and_line():
    with pytest.raises(HypothesisError, match=r"m\.py: importing it raised SyntaxError: .*\(line 2\)"):
        description_bytes("x = 1\ndef (:\n", "m.py")
