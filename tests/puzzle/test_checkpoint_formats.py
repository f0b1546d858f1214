"""--checkpoint accepts a TransformerLens 2.x/3.x HookedTransformer state dict (torch.save or safetensors) as well as
the bridge's own layout; the mapping (harness.puzzle.checkpoint_formats) matches HookedTransformer's conventions."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from safetensors.torch import save_file

import harness
from harness import DeclarationError
from harness.puzzle.checkpoint_formats import from_hooked_transformer, to_hooked_transformer
from harness.puzzle.models import build_model

from harness.puzzle.registry import puzzles_dir

PUZZLES = puzzles_dir()
TOY = ["bigram_0l", "previous_token_mlp", "rederive_position", "permutation_listing"]


def hooked_transformer_state(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    """What HookedTransformer.state_dict() holds for this model, the attention buffers included."""
    state = to_hooked_transformer(model.state_dict(), model.cfg)
    for layer in range(model.cfg.n_layers):
        state[f"blocks.{layer}.attn.mask"] = torch.tril(torch.ones(model.cfg.n_ctx, model.cfg.n_ctx, dtype=torch.bool))
        state[f"blocks.{layer}.attn.IGNORE"] = torch.tensor(float("-inf"))
    return state


def write(state: dict[str, torch.Tensor], path) -> None:
    if path.suffix == ".safetensors":
        save_file({k: v.contiguous() for k, v in state.items()}, str(path))
    else:
        torch.save(state, path)


def classic_forward(sd: dict[str, torch.Tensor], cfg, tokens: torch.Tensor) -> torch.Tensor:
    """HookedTransformer's forward pass written from its weight conventions (standard positions, LN or none, gelu)."""
    def ln(x, prefix):
        return F.layer_norm(x, x.shape[-1:], sd[prefix + ".w"], sd[prefix + ".b"], 1e-5) if prefix + ".w" in sd else x

    n = tokens.shape[1]
    x = sd["embed.W_E"][tokens] + sd["pos_embed.W_pos"][:n]
    for layer in range(cfg.n_layers):
        a, m = f"blocks.{layer}.attn.", f"blocks.{layer}.mlp."
        h = ln(x, f"blocks.{layer}.ln1")
        q, k, v = (torch.einsum("bpm,hmd->bphd", h, sd[a + f"W_{c}"]) + sd[a + f"b_{c}"] for c in "QKV")
        scores = torch.einsum("bqhd,bkhd->bhqk", q, k) / cfg.d_head ** 0.5
        scores = scores.masked_fill(torch.triu(torch.ones(n, n, dtype=torch.bool), 1), float("-inf"))
        z = torch.einsum("bhqk,bkhd->bqhd", scores.softmax(-1), v)
        x = x + torch.einsum("bqhd,hdm->bqm", z, sd[a + "W_O"]) + sd[a + "b_O"]
        if not cfg.attn_only:
            h = ln(x, f"blocks.{layer}.ln2")
            x = x + F.gelu(h @ sd[m + "W_in"] + sd[m + "b_in"]) @ sd[m + "W_out"] + sd[m + "b_out"]
    return ln(x, "ln_final") @ sd["unembed.W_U"] + sd["unembed.b_U"]


@pytest.mark.parametrize("suffix", [".pt", ".safetensors"])
@pytest.mark.parametrize("name", TOY)
def test_hooked_transformer_checkpoint_gives_the_shipped_logits(shipped, tmp_path, name, suffix):
    puzzle = shipped(name)
    state = hooked_transformer_state(puzzle.model)
    assert "embed.W_E" in state and "embed.weight" not in state
    path = tmp_path / f"hooked{suffix}"
    write(state, path)
    loaded = harness.load_puzzle(name, checkpoint=path)
    original = puzzle.model.state_dict()
    assert all(torch.equal(loaded.model.state_dict()[k], original[k]) for k in original)
    tokens = puzzle.tensors(puzzle.generate(16, seed=2))["tokens"]
    with torch.no_grad():
        assert torch.equal(loaded.logits(tokens), puzzle.logits(tokens))


@pytest.mark.parametrize("name", ["previous_token_mlp", "rederive_position", "permutation_listing"])
def test_layout_follows_hooked_transformer_conventions(shipped, name):
    """Random weights (every bias non-zero), float64: the bridge and HookedTransformer's formulas agree."""
    puzzle = shipped(name)
    model = build_model(puzzle.declaration, seed=5).double().eval()
    with torch.no_grad():
        for tensor in model.state_dict(keep_vars=True).values():
            tensor.normal_()
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    classic = to_hooked_transformer(state, model.cfg)
    back = from_hooked_transformer(classic, model.cfg)
    assert back.keys() == state.keys() and all(torch.equal(back[k], state[k]) for k in state)
    tokens = puzzle.tensors(puzzle.generate(16, seed=1))["tokens"]
    with torch.no_grad():
        expected, got = model(tokens), classic_forward(classic, model.cfg, tokens)
    torch.testing.assert_close(got, expected, rtol=1e-9, atol=1e-9 * expected.abs().max().item())


def _drop(state, *names):
    return {k: v for k, v in state.items() if not any(n in k for n in names)}


@pytest.mark.parametrize("edit,needles", [
    (lambda s: {**s, "blocks.0.attn.W_Q": s["blocks.0.attn.W_Q"].reshape(2, 64, 32)},
     ["blocks.0.attn.W_Q", "(2, 64, 32)", "(4, 64, 16)"]),
    (lambda s: _drop(s, "blocks.1.mlp.W_out"), ["HookedTransformer-layout", "missing blocks.1.mlp.out.weight"]),
    (lambda s: {**s, "blocks.0.attn.W_foo": torch.zeros(3)}, ["blocks.0.attn.W_foo"]),
    (lambda s: _drop(s, "ln1.", "ln2.", "ln_final."), ["folded", "fold_ln=True", "LNPre"]),
    (lambda s: {"weights": torch.zeros(3)}, ["bridge-layout", "missing blocks.0.attn.k.bias", "unexpected weights"]),
], ids=["head_split", "missing", "unknown_key", "folded_ln", "neither_layout"])
def test_malformed_state_dict_is_a_clear_error(shipped, assert_names, tmp_path, edit, needles):
    name = "previous_token_mlp"
    path = tmp_path / "bad.pt"
    torch.save(edit(hooked_transformer_state(shipped(name).model)), path)
    with pytest.raises(DeclarationError) as exc:
        harness.load_puzzle(name, checkpoint=path)
    assert_names(exc.value, PUZZLES / name / "puzzle.toml", "model.config")
    assert "bad.pt" in str(exc.value)
    for needle in needles:
        assert needle in str(exc.value), str(exc.value)


def test_layernorm_weights_for_a_model_without_layernorm(shipped, tmp_path):
    state = hooked_transformer_state(shipped("rederive_position").model)
    state["ln_final.w"], state["ln_final.b"] = torch.ones(128), torch.zeros(128)
    path = tmp_path / "with_ln.safetensors"
    write(state, path)
    with pytest.raises(DeclarationError, match="declares no normalization"):
        harness.load_puzzle("rederive_position", checkpoint=path)
