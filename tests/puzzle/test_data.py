"""Puzzle data generators: deterministic per seed, split as declared, and checked by the harness."""

from __future__ import annotations

import numpy as np
import pytest

import harness
from harness import DeclarationError, load_declaration
from harness.puzzle.data import call_generator, load_hook, validate_columns
from harness.puzzle.models import build_model
from harness.puzzle import puzzles_dir

ALL = harness.list_puzzles()


def decl_of(name):
    return load_declaration(puzzles_dir() / name / "puzzle.toml")


def rows(ds):
    return {k: np.asarray(v).tolist() for k, v in (ds.to_dict() if hasattr(ds, "to_dict") else ds).items()}


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("split", ["train", "eval"])
def test_generator_is_deterministic_per_seed(name, split):
    decl = decl_of(name)
    first, again, other = (call_generator(decl, 16, seed, split) for seed in (7, 7, 8))
    assert rows(first) == rows(again)
    assert rows(first) != rows(other)


@pytest.mark.parametrize("name", [n for n in ALL if decl_of(n).model.kind != "pretrained"])
@pytest.mark.parametrize("split", ["train", "eval"])
def test_shipped_generator_passes_validation(name, split):
    decl = decl_of(name)
    columns = validate_columns(decl, call_generator(decl, 32, 1, split), 32, decl.model.config["d_vocab"])
    assert columns["tokens"].shape == (32, decl.model.config["n_ctx"])


def _combo_ids(combos):
    """One integer per combination (4 token ids < 65), for fast set operations."""
    return combos @ (65 ** np.arange(4))


def test_permutation_listing_splits_are_disjoint():
    decl = decl_of("permutation_listing")
    splits = load_hook(decl, "data.py:combination_splits", "test")()
    train, held_out = _combo_ids(splits["train"]), _combo_ids(splits["eval"])
    assert len(np.unique(train)) == len(train) and len(np.unique(held_out)) == len(held_out)
    assert not np.isin(train, held_out).any()
    assert len(train) + len(held_out) == 557845  # C(62, 4): every combination is in exactly one split
    assert 0.09 < len(held_out) / 557845 < 0.11

    generated = {split: _combo_ids(np.asarray(call_generator(decl, 4096, 123, split)["combination"]))
                 for split in ("train", "eval")}
    assert not np.isin(generated["train"], held_out).any()
    assert np.isin(generated["eval"], held_out).all()


def test_permutation_listing_lists_permutations_in_order():
    decl = decl_of("permutation_listing")
    ds = call_generator(decl, 3, 5, "eval")
    decode = load_hook(decl, "data.py:decode", "test")
    vocab = decode(range(65))
    for tokens, combo in zip(ds["tokens"], ds["combination"]):
        text = decode(tokens)
        assert text.startswith("> ") and text.endswith(".") and len(text) == 122
        words = text[2:-1].split(" ")
        assert len(set(words)) == 24 and all(sorted(w) == sorted(words[0]) for w in words)
        assert words == sorted(words, key=lambda w: [vocab.index(c) for c in w])
        assert words[0] == decode(combo)


@pytest.mark.parametrize("name,bos", [("rederive_position", 100), ("previous_token_mlp", 0)])
@pytest.mark.parametrize("split", ["train", "eval"])
def test_bos_is_never_content(name, bos, split):
    tokens = np.asarray(call_generator(decl_of(name), 4096, 11, split)["tokens"])
    assert (tokens[:, 0] == bos).all()
    assert (tokens[:, 1:] != bos).all()


def test_gpt2_prompts_are_drawn_without_replacement():
    decl = decl_of("opposite_adjective_gpt2")
    prompts = call_generator(decl, 40, 3, "eval")["prompt"]
    assert len(set(prompts)) == 40


# Bad generators: a valid template for bigram_0l (29 tokens, n_ctx 32, targets at [0, 31)) and one mutation each.
TEMPLATE = '''
import numpy as np

def generate(n, seed, split="eval"):
    rng = np.random.default_rng(seed)
    tokens = rng.integers(0, 29, size=(n, 32))
    targets = np.full_like(tokens, -1)
    targets[:, :-1] = tokens[:, 1:]
    columns = {"tokens": tokens, "targets": targets}
    MUTATION
    return columns
'''
MUTATIONS = {
    "not columns": ("return list(columns.values())", "not a mapping of column name to array"),
    "an int": ("return 3", "returned an int, not a mapping of column name to array"),
    "columns of different lengths": ('columns["targets"] = targets[:-1]', "columns of different lengths"),
    "too many rows": ("columns = {k: np.concatenate([v, v[:1]]) for k, v in columns.items()}", "rows when asked for"),
    "float tokens": ('columns["tokens"] = tokens.astype(np.float32)', "dtype float32"),
    "1-d tokens": ('columns["tokens"] = tokens[:, 0]', "shape (8,)"),
    "ragged tokens": ('columns["tokens"] = [list(t[: 1 + i % 3]) for i, t in enumerate(tokens)]', "`tokens` column of shape"),
    "wrong length": ("columns = {k: v[:, :16] for k, v in columns.items()}", "length 16"),
    "no targets": ('del columns["targets"]', "no `targets` column"),
    "target at uncounted position": ("targets[:, -1] = 0", "task.positions"),
    "token outside vocab": ("tokens[0, 0] = 29", "outside [0, 29)"),
}


@pytest.mark.parametrize("mutation,message", MUTATIONS.values(), ids=MUTATIONS.keys())
def test_bad_generator_names_data_generator(puzzle_copy, assert_names, mutation, message):
    folder = puzzle_copy("bigram_0l")
    (folder / "data.py").write_text(TEMPLATE.replace("MUTATION", mutation), encoding="utf-8")
    decl = load_declaration(folder / "puzzle.toml")
    puzzle = harness.Puzzle(decl, build_model(decl, seed=0))
    with pytest.raises(DeclarationError) as exc:
        puzzle.generate(8, seed=1)
    assert_names(exc.value, folder / "puzzle.toml", "data.generator")
    assert message in str(exc.value)


@pytest.mark.parametrize("returned", ["columns", "datasets.Dataset.from_dict(columns)"])
def test_generator_template_is_valid(puzzle_copy, returned):
    """Control for the mutations above: the unmutated template passes, returning plain columns or a Dataset;
    solvers get a datasets.Dataset either way, with the same values."""
    import datasets

    folder = puzzle_copy("bigram_0l")
    text = TEMPLATE.replace("MUTATION", "import datasets").replace("return columns", f"return {returned}")
    (folder / "data.py").write_text(text, encoding="utf-8")
    decl = load_declaration(folder / "puzzle.toml")
    puzzle = harness.Puzzle(decl, build_model(decl, seed=0))
    ds = puzzle.generate(8, seed=1)
    assert isinstance(ds, datasets.Dataset) and len(ds) == 8 and ds.column_names == ["tokens", "targets"]
    tokens = np.random.default_rng(1).integers(0, 29, size=(8, 32))
    assert (puzzle.tensors(ds)["tokens"].numpy() == tokens).all()


def test_generator_function_must_exist(puzzle_copy, set_line, assert_names):
    folder = puzzle_copy("bigram_0l")
    path = set_line(folder, "generator", 'generator = "data.py:make"')
    with pytest.raises(DeclarationError, match="does not define") as exc:
        call_generator(load_declaration(path), 4, 1, "eval")
    assert_names(exc.value, path, "data.generator")


def test_generator_that_fails_to_import(puzzle_copy, assert_names):
    folder = puzzle_copy("bigram_0l")
    (folder / "data.py").write_text("raise ImportError('boom')\n" + TEMPLATE.replace("MUTATION", "pass"), encoding="utf-8")
    path = folder / "puzzle.toml"
    with pytest.raises(DeclarationError, match="could not be imported.*boom") as exc:
        call_generator(load_declaration(path), 4, 1, "eval")
    assert_names(exc.value, path, "data.generator")


@pytest.mark.parametrize("name", [n for n in ALL if n != "opposite_adjective_gpt2"])
def test_tokens_show_as_strings(name):
    puzzle = harness.load_puzzle(name)
    tokens = puzzle.tensors(puzzle.generate(3, 5))["tokens"]
    shown = puzzle.to_str_tokens(tokens)
    assert [len(row) for row in shown] == [tokens.shape[1]] * 3 and all(type(t) is str for row in shown for t in row)
    assert puzzle.to_str_tokens(tokens[0].tolist()) == shown[0]


def test_special_tokens_and_characters_have_their_names():
    from harness.hypothesis import puzzle_data

    rederive = harness.load_puzzle("rederive_position")
    assert rederive.to_str_tokens([100, 7]) == ["BOS", "7"] and rederive.to_string([100, 7]) == "BOS 7"
    assert harness.load_puzzle("min_of_two_ints").to_string([170, 24, 200]) == "170 24 ="
    bigram = harness.load_puzzle("bigram_0l")
    tokens = bigram.tensors(bigram.dev_sample())["tokens"][0]
    assert bigram.to_string(tokens) == puzzle_data("bigram_0l").decode(tokens)
