"""Required questions as puzzle.toml writes them (harness/puzzle/questions.py): positions and form are read, and
anything else is refused naming the file and the field."""

import pytest

from harness.errors import DeclarationError
from harness.puzzle.declaration import load_declaration

BASE = "rederive_position"  # its first required question has form = "inputs"


@pytest.mark.parametrize("bad", ['form = "what"', "positions = []", 'positions = ["END"]', "positions = [-1]",
                                 'form = "inputs", answer = "k"'])
def test_a_required_question_names_positions_and_form_it_can_check(puzzle_copy, assert_names, bad):
    path = puzzle_copy(BASE) / "puzzle.toml"
    text = path.read_text(encoding="utf-8")
    assert text.count('form = "inputs"}') == 1
    path.write_text(text.replace('form = "inputs"}', bad + "}"), encoding="utf-8")
    with pytest.raises(DeclarationError) as exc:
        load_declaration(path)
    assert_names(exc.value, path, "grading.required")
    assert "positions = [8, 9]" in str(exc.value) and "inputs, variable" in str(exc.value)


def test_a_required_question_reads_positions_and_form(puzzle_copy):
    path = puzzle_copy(BASE) / "puzzle.toml"
    text = path.read_text(encoding="utf-8").replace('form = "inputs"}', 'form = "inputs", positions = [3, 4]}')
    path.write_text(text, encoding="utf-8")
    question = load_declaration(path).grading.required[0]
    assert (question.positions, question.form) == ((3, 4), "inputs")
