"""Submissions (harness/leaderboard/submissions.py): solver names, submission.toml, the digest of every file, and
modules named after no puzzle. A folder that breaks a rule is still returned, with a sentence saying why."""

from __future__ import annotations

import pytest

from harness.leaderboard.submissions import discover_submissions, unknown_modules

PUZZLES = ["bigram_0l", "rederive_position"]
TOML = 'display_name = "Ada"\nmethod = "human"\n'


def add(root, folder: str, toml: str | None = TOML, modules=("bigram_0l",)):
    path = root / folder
    path.mkdir(parents=True)
    if toml is not None:
        (path / "submission.toml").write_text(toml, encoding="utf-8")
    for module in modules:
        (path / f"{module}.py").write_text("hypothesis = None\n")
    return path


def one(root):
    (found,) = discover_submissions(root, PUZZLES)
    return found


def test_a_good_submission_is_found_with_its_modules_and_metadata(tmp_path):
    folder = add(tmp_path, "ada", 'display_name = "Ada L."\nmethod = "automated"\nlink = "https://example.org/a"\n',
                 modules=("bigram_0l", "rederive_position", "not_a_puzzle"))
    sub = one(tmp_path)
    assert (sub.solver, sub.display_name, sub.method, sub.link, sub.problem) == ("ada", "Ada L.", "automated",
                                                                                 "https://example.org/a", None)
    assert sub.modules == {"bigram_0l": folder / "bigram_0l.py", "rederive_position": folder / "rederive_position.py"}
    assert len(sub.digest) == 64 and sub.sha256("bigram_0l") == sub.digest
    assert unknown_modules(tmp_path, PUZZLES) == [folder / "not_a_puzzle.py"]


def test_the_digest_covers_every_file_and_its_name(tmp_path):
    folder = add(tmp_path, "ada")
    first = one(tmp_path).digest
    (folder / "_helper.py").write_text("X = 1\n")
    with_helper = one(tmp_path).digest
    (folder / "_helper.py").rename(folder / "_other.py")
    renamed = one(tmp_path).digest
    assert len({first, with_helper, renamed}) == 3
    (folder / "__pycache__").mkdir()
    (folder / "__pycache__" / "x.pyc").write_bytes(b"junk")
    assert one(tmp_path).digest == renamed  # caches are never read


@pytest.mark.parametrize("folder", ["-dash-first", "has space", "x" * 65, "baseline-me", "Baselines", "ünï"])
def test_a_bad_folder_name_is_an_error_row_with_a_key_of_its_own(tmp_path, folder):
    add(tmp_path, folder)
    sub = one(tmp_path)
    assert sub.solver.startswith("_invalid-") and sub.problem and sub.problem.endswith(".")
    assert "Rename the folder" in sub.problem and sub.problem.isascii()


@pytest.mark.parametrize("toml, field", [
    (None, "is missing"),
    ('display_name = "Ada"\nmethod = "psychic"\n', "field `method`"),
    ('display_name = "Ada"\nmethod = "baseline"\n', "field `method`"),
    ('display_name = ""\nmethod = "human"\n', "field `display_name`"),
    ('display_name = "Baseline: best"\nmethod = "human"\n', "field `display_name`"),
    ('display_name = "A\\u202eda"\nmethod = "human"\n', "field `display_name`"),
    (f'display_name = "{"A" * 81}"\nmethod = "human"\n', "field `display_name`"),
    ('display_name = "Ada"\nmethod = "human"\nlink = "javascript:alert(1)"\n', "field `link`"),
    ('display_name = "Ada"\nmethod = "human"\nlink = "https://a b"\n', "field `link`"),
    ('display_name = "Ada"\nmethod = "human"\nemail = "a@b"\n', "field `email`"),
    ('display_name = "Ada\nmethod = human\n', "not valid UTF-8 TOML"),
])
def test_bad_metadata_is_a_sentence_naming_the_file_the_field_and_the_fix(tmp_path, toml, field):
    add(tmp_path, "ada", toml)
    sub = one(tmp_path)
    assert sub.solver == "ada" and sub.problem is not None
    assert "submission.toml" in sub.problem and field in sub.problem and sub.problem.rstrip().endswith(".")


def test_hidden_and_linked_folders_are_not_submissions(tmp_path):
    add(tmp_path, "ada")
    add(tmp_path, ".hidden")
    add(tmp_path, "_private")
    (tmp_path / "alias").symlink_to(tmp_path / "ada")
    assert [s.solver for s in discover_submissions(tmp_path, PUZZLES)] == ["ada"]
