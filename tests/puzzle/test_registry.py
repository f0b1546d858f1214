"""Where puzzles live (harness/puzzle/registry.py): $INTERP_PUZZLES_DIR first, then the checkout's puzzles/ folder;
names are the folders holding a puzzle.toml; an unknown name lists the known puzzles."""

from __future__ import annotations

import pytest

from harness.errors import PuzzleError
from harness.puzzle.registry import REPO_ROOT, list_puzzles, load_declaration_by_name, puzzles_dir


def test_the_checkout_puzzles_are_found_unless_the_environment_names_another_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("INTERP_PUZZLES_DIR", raising=False)
    assert puzzles_dir() == REPO_ROOT / "puzzles"
    monkeypatch.setenv("INTERP_PUZZLES_DIR", str(tmp_path))
    assert puzzles_dir() == tmp_path and list_puzzles() == []
    monkeypatch.setenv("INTERP_PUZZLES_DIR", "")  # set but empty: as if unset
    assert puzzles_dir() == REPO_ROOT / "puzzles"


def test_puzzles_are_the_folders_holding_a_puzzle_toml_sorted(tmp_path):
    for name in ["zeta", "alpha"]:
        (tmp_path / name).mkdir()
        (tmp_path / name / "puzzle.toml").write_text("")
    (tmp_path / "notes").mkdir()  # no puzzle.toml: not a puzzle
    assert list_puzzles(tmp_path) == ["alpha", "zeta"]
    assert {"bigram_0l", "rederive_position"} <= set(list_puzzles())


def test_an_unknown_name_is_a_sentence_that_lists_the_known_puzzles(tmp_path):
    with pytest.raises(PuzzleError) as exc:
        load_declaration_by_name("nope")
    message = str(exc.value)
    assert "There is no puzzle named 'nope'" in message and "bigram_0l, " in message and message.endswith(".")
    with pytest.raises(PuzzleError, match="Known puzzles: none."):
        load_declaration_by_name("nope", root=tmp_path)


def test_a_declaration_is_loaded_from_the_given_root_and_cached_by_content(puzzle_copy, tmp_path, set_line):
    folder = puzzle_copy("bigram_0l")
    first = load_declaration_by_name("bigram_0l", root=tmp_path)
    assert first.name == "bigram_0l" and first.folder == folder
    assert load_declaration_by_name("bigram_0l", root=tmp_path) is first  # the same file, parsed once
    set_line(folder, "version", "version = 99")
    changed = load_declaration_by_name("bigram_0l", root=tmp_path)
    assert changed is not first and changed.version == 99
