"""Checkpoints: hash-checked, shape-checked, written atomically; the zero-layer model is hookable."""

from __future__ import annotations

import hashlib

import pytest
import torch

import harness
from harness import DeclarationError, load_declaration
from harness.puzzle.models import ZeroLayerModel, build_model, save_checkpoint

TOY = ["bigram_0l", "previous_token_mlp", "rederive_position", "permutation_listing"]


def test_missing_checkpoint_file(puzzle_copy, assert_names, tmp_path):
    folder = puzzle_copy("bigram_0l")  # copies never include the checkpoint
    with pytest.raises(DeclarationError) as exc:
        harness.load_puzzle("bigram_0l", root=tmp_path)
    assert_names(exc.value, folder / "puzzle.toml", "checkpoint.file")
    assert str(folder / "model.safetensors") in str(exc.value)


def test_sha256_mismatch(checkpointed, assert_names, tmp_path):
    folder, _ = checkpointed("bigram_0l")
    harness.load_puzzle("bigram_0l", root=tmp_path)  # loads before tampering
    with open(folder / "model.safetensors", "ab") as handle:
        handle.write(b"\0")
    with pytest.raises(DeclarationError) as exc:
        harness.load_puzzle("bigram_0l", root=tmp_path)
    assert_names(exc.value, folder / "puzzle.toml", "checkpoint.sha256")


@pytest.mark.parametrize("name,line", [("bigram_0l", "d_model = 8"), ("previous_token_mlp", "d_model = 32")])
def test_config_that_does_not_fit_checkpoint(checkpointed, set_line, assert_names, tmp_path, name, line):
    folder, _ = checkpointed(name)
    set_line(folder, "d_model", line)  # the sha256 still matches the file
    with pytest.raises(DeclarationError) as exc:
        harness.load_puzzle(name, root=tmp_path)
    assert_names(exc.value, folder / "puzzle.toml", "model.config")
    assert "embed.weight" in str(exc.value)


def test_unreadable_checkpoint(puzzle_copy, set_line, assert_names, tmp_path):
    folder = puzzle_copy("bigram_0l")
    (folder / "model.safetensors").write_bytes(b"not a safetensors file")
    set_line(folder, "sha256", f'sha256 = "{hashlib.sha256(b"not a safetensors file").hexdigest()}"')
    with pytest.raises(DeclarationError) as exc:
        harness.load_puzzle("bigram_0l", root=tmp_path)
    assert_names(exc.value, folder / "puzzle.toml", "checkpoint.file")


@pytest.mark.parametrize("name", TOY)
def test_checkpoint_round_trip(checkpointed, tmp_path, name):
    _, saved = checkpointed(name, seed=3)
    puzzle = harness.load_puzzle(name, root=tmp_path)
    assert not puzzle.model.training
    loaded, original = puzzle.model.state_dict(), saved.state_dict()
    assert loaded.keys() == original.keys()
    assert all(torch.equal(loaded[k], original[k]) for k in original)
    tokens = puzzle.tensors(puzzle.generate(4, seed=1))["tokens"]
    with torch.no_grad():
        torch.testing.assert_close(puzzle.logits(tokens), saved.eval()(tokens))
    fresh = build_model(puzzle.declaration, seed=4).state_dict()
    assert not all(torch.equal(fresh[k], original[k]) for k in original)  # the comparison above can fail


def test_explicit_checkpoint_skips_declared_hash(puzzle_copy, tmp_path):
    puzzle_copy("bigram_0l")  # toml keeps its placeholder sha256; the shipped file is absent
    decl = load_declaration(tmp_path / "bigram_0l" / "puzzle.toml")
    model = build_model(decl, seed=1)
    path = tmp_path / "elsewhere" / "mine.safetensors"
    save_checkpoint(model, path)
    puzzle = harness.load_puzzle("bigram_0l", root=tmp_path, checkpoint=path)
    assert torch.equal(puzzle.model.embed.weight, model.embed.weight)
    with pytest.raises(DeclarationError, match="checkpoint.file"):
        harness.load_puzzle("bigram_0l", root=tmp_path, checkpoint=tmp_path / "missing.safetensors")


def test_save_checkpoint_returns_sha256_and_leaves_no_temp_files(tmp_path):
    path = tmp_path / "out" / "model.safetensors"
    first = save_checkpoint(ZeroLayerModel(5, 4, 3), path)
    assert first == hashlib.sha256(path.read_bytes()).hexdigest()
    second = save_checkpoint(ZeroLayerModel(5, 4, 3), path)  # overwrites in place
    assert second == hashlib.sha256(path.read_bytes()).hexdigest() != first
    assert [p.name for p in path.parent.iterdir()] == ["model.safetensors"]


def test_save_checkpoint_is_atomic_when_writing_fails(tmp_path, monkeypatch):
    path = tmp_path / "model.safetensors"
    save_checkpoint(ZeroLayerModel(5, 4, 3), path)
    before = path.read_bytes()

    def broken_save(tensors, filename):
        with open(filename, "wb") as handle:
            handle.write(b"half a file")
        raise OSError("disk full")

    monkeypatch.setattr("harness.puzzle.models.save_file", broken_save)
    with pytest.raises(OSError, match="disk full"):
        save_checkpoint(ZeroLayerModel(5, 4, 3), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["model.safetensors"]


def test_zero_layer_model_hook_embed():
    torch.manual_seed(0)
    model = ZeroLayerModel(d_vocab=29, d_model=16, n_ctx=32)
    tokens = torch.randint(0, 29, (3, 32))
    logits, cache = model.run_with_cache(tokens)
    assert logits.shape == (3, 32, 29)
    assert torch.equal(cache["hook_embed"], model.embed.weight[tokens])
    torch.testing.assert_close(logits, cache["hook_embed"] @ model.unembed.weight.T)
    ablated = model.run_with_hooks(tokens, fwd_hooks=[("hook_embed", lambda x, hook: torch.zeros_like(x))])
    assert torch.equal(ablated, torch.zeros_like(ablated))


def test_embed_mlp_model_computes_the_mlp_on_the_embedding_sum():
    from harness.puzzle.models import EmbedMLPModel

    torch.manual_seed(0)
    model = EmbedMLPModel(d_vocab=7, d_model=6, d_mlp=10, n_ctx=2, d_vocab_out=5)
    tokens = torch.tensor([[3, 4], [0, 6]])
    W_E, block = model.embed.weight, model.blocks[0]
    expected = torch.relu((W_E[tokens[:, 0]] + W_E[tokens[:, 1]]) @ block.W_in.weight.T) @ block.W_U.weight.T
    logits, cache = model.run_with_cache(tokens)
    assert logits.shape == (2, 2, 5)
    torch.testing.assert_close(logits[:, 1], expected)
    torch.testing.assert_close(cache["blocks.0.hook_resid_pre"][:, 1], W_E[tokens[:, 0]] + W_E[tokens[:, 1]])
    assert cache["blocks.0.hook_post"].shape == (2, 2, 10) and (cache["blocks.0.hook_post"] >= 0).all()
    torch.testing.assert_close(cache["blocks.0.hook_mlp_out"], logits)
    assert not any(name.endswith("bias") for name, _ in model.named_parameters())


def test_embed_mlp_components_and_no_path_claims(puzzle_copy, set_line, tmp_path):
    """An embed_mlp puzzle has the components embed and MLP0; a path claim is refused (one route only)."""
    from harness.puzzle.components import ComponentSpace
    from harness.puzzle.declaration import load_declaration
    from harness.grading.validation import validate
    from harness.hypothesis import Hypothesis, HypothesisError, PathClaim

    folder = puzzle_copy("bigram_0l")
    text = (folder / "puzzle.toml").read_text()
    start, end = text.index("[model]"), text.index("[checkpoint]")
    (folder / "puzzle.toml").write_text(text[:start] + '[model]\nkind = "embed_mlp"\n\n[model.config]\nd_vocab = 29\n'
                                        'd_model = 8\nd_mlp = 16\nn_ctx = 32\n\n' + text[end:])
    decl = load_declaration(folder / "puzzle.toml")
    model = build_model(decl, seed=0)
    space = ComponentSpace(decl, model, 32)
    assert [str(c) for c in space.all()] == ["embed", "MLP0"]

    class FakePuzzle:
        name = decl.name
        declaration = decl

    with pytest.raises(HypothesisError, match="no attention or residual routes"):
        validate(Hypothesis(decl.name, [PathClaim("embed", "MLP0")]), FakePuzzle(), space)
