"""puzzle.toml parsing: every shipped declaration validates; every bad one names its file and field."""

from __future__ import annotations

import pytest

import harness
from harness import DeclarationError, PuzzleError, load_declaration
from harness.puzzle import puzzles_dir

PUZZLES = puzzles_dir()

BASE = "rederive_position"  # a native puzzle with every section, including [training] and [checkpoint]


@pytest.mark.parametrize("name", harness.list_puzzles())
def test_shipped_puzzle_validates(name):
    decl = load_declaration(PUZZLES / name / "puzzle.toml")
    assert decl.name == name
    assert decl.folder == PUZZLES / name
    assert (decl.folder / decl.data.generator.partition(":")[0]).is_file()
    if decl.model.kind == "pretrained":
        assert decl.model.hf_name
    else:
        assert decl.checkpoint is not None and decl.training is not None


def test_the_five_puzzles_are_listed():
    assert {"bigram_0l", "opposite_adjective_gpt2", "permutation_listing", "previous_token_mlp",
            "rederive_position"} <= set(harness.list_puzzles())


# (key of the line to replace, replacement line, field the error must name)
BAD_LINES = {
    "model.config typo": ("n_layers", "n_layer = 2", "model.config.n_layer"),
    "missing data.eval_size": ("eval_size", None, "data.eval_size"),
    "string for int": ("dev_size", 'dev_size = "256"', "data.dev_size"),
    "float for int": ("eval_size", "eval_size = 4096.5", "data.eval_size"),
    "bool for int": ("d_model", "d_model = true", "model.config.d_model"),
    "version as string": ("version", 'version = "1"', "version"),
    "name not folder": ("name", 'name = "some_other_puzzle"', "name"),
    "unknown model kind": ("kind", 'kind = "hooked"', "model.kind"),
    "bad metric": ("metric", 'metric = "accuracy"', "task.metric"),
    "dev_seed inside eval_seeds": ("dev_seed", "dev_seed = 5", "data.dev_seed"),
    "empty eval range": ("eval_seeds", "eval_seeds = [10, 1]", "data.eval_seeds"),
    "eval_seeds not a pair": ("eval_seeds", "eval_seeds = [1]", "data.eval_seeds"),
    "train_seed inside eval range": ("train_seed", "train_seed = 999999", "data.train_seed"),
    "train_seed below eval range": ("train_seed", "train_seed = 500", "data.train_seed"),
    "pickle checkpoint": ("file", 'file = "model.pt"', "checkpoint.file"),
    "short sha256": ("sha256", 'sha256 = "abc123"', "checkpoint.sha256"),
    "non-hex sha256": ("sha256", f'sha256 = "{"g" * 64}"', "checkpoint.sha256"),
    "unknown schedule": ("schedule", 'schedule = "linear"', "training.schedule"),
    "unknown training field": ("lr", "lr = 1e-3\nlearning_rate = 1e-3", "training.learning_rate"),
}


@pytest.mark.parametrize("key,line,field", BAD_LINES.values(), ids=BAD_LINES.keys())
def test_bad_field_names_file_and_field(puzzle_copy, set_line, assert_names, key, line, field):
    path = set_line(puzzle_copy(BASE), key, line)
    with pytest.raises(DeclarationError) as exc:
        load_declaration(path)
    assert_names(exc.value, path, field)


def test_unknown_top_level_field(puzzle_copy, assert_names):
    path = puzzle_copy(BASE) / "puzzle.toml"
    path.write_text('author = "me"\n' + path.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(DeclarationError) as exc:
        load_declaration(path)
    assert_names(exc.value, path, "author")
    assert "not a known field" in str(exc.value)


def test_invalid_toml_names_file(puzzle_copy, set_line, assert_names):
    path = set_line(puzzle_copy(BASE), "version", "version = ")
    with pytest.raises(DeclarationError) as exc:
        load_declaration(path)
    assert_names(exc.value, path, None)
    assert "not valid TOML" in str(exc.value)


def test_missing_file_names_file(tmp_path, assert_names):
    path = tmp_path / "ghost" / "puzzle.toml"
    with pytest.raises(DeclarationError) as exc:
        load_declaration(path)
    assert_names(exc.value, path, None)


def test_load_puzzle_reports_declaration_errors(puzzle_copy, set_line, assert_names, tmp_path):
    path = set_line(puzzle_copy(BASE), "metric", 'metric = "accuracy"')
    with pytest.raises(DeclarationError) as exc:
        harness.load_puzzle(BASE, root=tmp_path)
    assert_names(exc.value, path, "task.metric")


def test_unknown_puzzle_name_lists_known_ones(puzzle_copy, tmp_path):
    puzzle_copy(BASE)
    with pytest.raises(PuzzleError, match="'nope'.*Known puzzles: rederive_position"):
        harness.load_puzzle("nope", root=tmp_path)


def test_copied_declaration_is_valid(puzzle_copy):
    """Control for the cases above: the unedited copy loads, so each failure comes from its edit."""
    decl = load_declaration(puzzle_copy(BASE) / "puzzle.toml")
    assert decl.training.frozen_at_zero == ("pos_embed.weight", "*.bias")
    assert decl.data.train_seed > decl.data.eval_seeds[1]


def test_the_written_out_native_config_fields_match_transformer_lens():
    from harness.puzzle.declaration import NATIVE_CONFIG_FIELDS, _native_config_fields

    assert NATIVE_CONFIG_FIELDS == _native_config_fields()

