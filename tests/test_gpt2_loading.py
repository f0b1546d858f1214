"""The pretrained puzzle's loading and evaluation path, on a tiny GPT-2 built here (and on real GPT-2 when cached)."""

from __future__ import annotations

import math

import pytest
import torch

import harness
from harness import DeclarationError, load_declaration
from harness.puzzle.data import call_generator
from harness.puzzle import puzzles_dir

NAME = "opposite_adjective_gpt2"
BOS = "<|endoftext|>"


def _offline(monkeypatch):
    import huggingface_hub.constants

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)  # read at import time


@pytest.fixture(scope="module")
def tiny_gpt2(tmp_path_factory):
    """A 2-layer GPT-2 and a word-level ByteLevel tokenizer covering every piece of every prompt and answer."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    decl = load_declaration(puzzles_dir() / NAME / "puzzle.toml")
    columns = call_generator(decl, 400, 0, "eval")  # draws every row (without replacement, then again)
    texts = columns["prompt"] + columns["answer"] + columns["distractor"]
    byte_level = pre_tokenizers.ByteLevel(add_prefix_space=False)
    vocab = {BOS: 0}
    for text in texts:
        for piece, _ in byte_level.pre_tokenize_str(text):
            vocab.setdefault(piece, len(vocab))
    tokenizer = Tokenizer(models.WordLevel(vocab=vocab, unk_token=BOS))
    tokenizer.pre_tokenizer, tokenizer.decoder = byte_level, decoders.ByteLevel()
    fast = PreTrainedTokenizerFast(tokenizer_object=tokenizer, bos_token=BOS, eos_token=BOS, unk_token=BOS)

    torch.manual_seed(0)
    config = GPT2Config(vocab_size=len(vocab), n_positions=64, n_embd=32, n_layer=2, n_head=4, bos_token_id=0, eos_token_id=0)
    folder = tmp_path_factory.mktemp("tiny_gpt2")
    GPT2LMHeadModel(config).save_pretrained(folder)
    fast.save_pretrained(folder)
    return folder, fast


@pytest.fixture(scope="module")
def tiny_puzzle(tiny_gpt2):
    return harness.load_puzzle(NAME, model_source=str(tiny_gpt2[0]))


def test_evaluate_on_tiny_gpt2(tiny_puzzle):
    result = tiny_puzzle.evaluate()
    assert result["puzzle"] == NAME and result["n"] == 40
    assert math.isfinite(result["loss"]) and result["loss"] > 0
    assert 0.0 <= result["accuracy"] <= 1.0
    assert math.isfinite(result["logit_diff"])
    assert len(result["logit_diff_by_prompt"]) == 40


def test_generate_tokenizes_prompts(tiny_gpt2, tiny_puzzle):
    _, tokenizer = tiny_gpt2
    ds = tiny_puzzle.generate(8, seed=2)
    assert {"tokens", "answer", "distractor", "answer_position"} <= set(ds.column_names)
    assert len(ds) == 8
    for row in ds:
        tokens, position = row["tokens"], row["answer_position"]
        assert tokens[0] == tokenizer.bos_token_id
        assert tokenizer.decode(tokens[1: position + 1]) == row["prompt"]
        assert tokenizer.decode([row["answer"]]).startswith(" ") and row["answer"] != row["distractor"]
        assert tokenizer.decode([row["distractor"]]).strip() == row["prompt"].split()[3].rstrip(",")  # the adjective


def test_logit_diff_matches_model_logits(tiny_puzzle):
    batch = tiny_puzzle.tensors(tiny_puzzle.generate(6, seed=4))
    logits = tiny_puzzle.logits(batch["tokens"])
    final = logits[torch.arange(6), batch["answer_position"]]
    expected = final.gather(-1, batch["answer"][:, None]) - final.gather(-1, batch["distractor"][:, None])
    assert tiny_puzzle.score(logits, batch)["logit_diff"] == pytest.approx(float(expected.double().mean()), abs=1e-5)


def test_multi_token_answer_is_a_clear_error(tiny_gpt2, puzzle_copy, assert_names, tmp_path):
    folder = puzzle_copy(NAME)
    with open(folder / "data.py", "a", encoding="utf-8") as handle:
        handle.write('\nROWS = [(a, b, c, "very " + d) for a, b, c, d in ROWS]\n')
    puzzle = harness.load_puzzle(NAME, root=tmp_path, model_source=str(tiny_gpt2[0]))
    with pytest.raises(DeclarationError, match=r"' very \w+', which is 2 tokens; answers must be single tokens") as exc:
        puzzle.generate(4, seed=1)
    assert_names(exc.value, folder / "puzzle.toml", "data.generator")


def test_uncached_model_names_hf_name(puzzle_copy, set_line, assert_names, tmp_path, monkeypatch):
    _offline(monkeypatch)
    path = set_line(puzzle_copy(NAME), "hf_name", 'hf_name = "interp-puzzles-tests/no-such-model"')
    with pytest.raises(DeclarationError, match="not in the local Hugging Face cache") as exc:
        harness.load_puzzle(NAME, root=tmp_path)
    assert_names(exc.value, path, "model.hf_name")


def test_folder_without_model_names_hf_name(assert_names, tmp_path, monkeypatch):
    _offline(monkeypatch)
    with pytest.raises(DeclarationError) as exc:
        harness.load_puzzle(NAME, model_source=str(tmp_path))
    assert_names(exc.value, puzzles_dir() / NAME / "puzzle.toml", "model.hf_name")


def test_real_gpt2_meets_declared_performance(monkeypatch):
    _offline(monkeypatch)
    if not harness.puzzle.models.pretrained_available("gpt2"):
        pytest.skip("GPT-2 weights are not in the local Hugging Face cache")
    puzzle = harness.load_puzzle(NAME)
    result = puzzle.evaluate()
    performance = puzzle.declaration.performance
    assert result["n"] == 40
    assert result["accuracy"] >= performance.min_accuracy
    assert result["logit_diff"] >= performance.min_logit_diff
