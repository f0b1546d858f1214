"""Build a puzzle's model from its declaration and load its weights (layouts: harness.puzzle.checkpoint_formats)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from types import SimpleNamespace

import torch
from safetensors.torch import load_file, save_file
from torch import nn
from transformer_lens import HookedRootModule
from transformer_lens.hook_points import HookPoint

from ..errors import DeclarationError
from ..results_io import atomic_path
from .checkpoint_formats import LayoutError, from_hooked_transformer, is_hooked_transformer_layout
from .declaration import Declaration


class ZeroLayerModel(HookedRootModule):
    """Embedding straight into unembedding: logits = W_E[token] @ W_U, with a hook on the embedding.

    `boot_native` cannot build a model without layers, so this one is a HookedRootModule of its own.
    Parameter names follow the bridge's (`embed.weight`, `unembed.weight`).
    """

    def __init__(self, d_vocab: int, d_model: int, n_ctx: int) -> None:
        super().__init__()
        self.cfg = SimpleNamespace(n_layers=0, n_heads=0, d_vocab=d_vocab, d_model=d_model, n_ctx=n_ctx,
                                   attn_only=True, d_head=0, n_key_value_heads=None)
        self.embed = nn.Embedding(d_vocab, d_model)
        self.unembed = nn.Linear(d_model, d_vocab, bias=False)
        self.hook_embed = HookPoint()
        self.hook_unembed = HookPoint()
        nn.init.normal_(self.embed.weight, std=d_model ** -0.5)
        nn.init.normal_(self.unembed.weight, std=d_model ** -0.5)
        self.setup()

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        return self.hook_unembed(self.unembed(self.hook_embed(self.embed(tokens))))


class _MLPBlock(nn.Module):
    """The one block of EmbedMLPModel: neurons reading the embedding sum and writing straight to the logits."""

    def __init__(self, d_model: int, d_mlp: int, d_vocab_out: int) -> None:
        super().__init__()
        self.W_in = nn.Linear(d_model, d_mlp, bias=False)
        self.W_U = nn.Linear(d_mlp, d_vocab_out, bias=False)
        self.hook_resid_pre = HookPoint()  # the embedding sum, [batch, pos, d_model]
        self.hook_pre = HookPoint()  # neuron pre-activations, [batch, pos, d_mlp]
        self.hook_post = HookPoint()  # neuron activations, [batch, pos, d_mlp]
        self.hook_mlp_out = HookPoint()  # what the MLP writes: the logits, [batch, pos, d_vocab_out]
        for w in (self.W_in.weight, self.W_U.weight):
            nn.init.normal_(w, std=w.shape[1] ** -0.5)

    def forward(self, resid: torch.Tensor) -> torch.Tensor:
        post = self.hook_post(torch.relu(self.hook_pre(self.W_in(self.hook_resid_pre(resid)))))
        return self.hook_mlp_out(self.W_U(post))


class EmbedMLPModel(HookedRootModule):
    """No attention and no biases: the residual at position t is the sum of the token embeddings up to t, read by
    one ReLU MLP whose neurons write the logits: logits[t] = ReLU((Σ_{s≤t} W_E[x_s]) W_in) W_U. On two tokens
    (a, b), position 1 computes ReLU((W_E[a] + W_E[b]) W_in) W_U, the modular-arithmetic MLP of the literature.

    Components: `embed` (hook_embed) and `MLP0` (blocks.0.hook_mlp_out, the logits it writes); hooks also on the
    embedding sum (blocks.0.hook_resid_pre) and the neurons (blocks.0.hook_pre, blocks.0.hook_post).
    """

    def __init__(self, d_vocab: int, d_model: int, d_mlp: int, n_ctx: int, d_vocab_out: int | None = None) -> None:
        super().__init__()
        d_vocab_out = d_vocab_out or d_vocab
        self.cfg = SimpleNamespace(n_layers=1, n_heads=0, d_vocab=d_vocab, d_vocab_out=d_vocab_out, d_model=d_model,
                                   d_mlp=d_mlp, n_ctx=n_ctx, attn_only=False, d_head=0, n_key_value_heads=None)
        self.embed = nn.Embedding(d_vocab, d_model)
        self.hook_embed = HookPoint()
        self.blocks = nn.ModuleList([_MLPBlock(d_model, d_mlp, d_vocab_out)])
        nn.init.normal_(self.embed.weight, std=d_model ** -0.5)
        self.setup()

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        return self.blocks[0](self.hook_embed(self.embed(tokens)).cumsum(dim=1))


def build_model(decl: Declaration, seed: int | None = None) -> nn.Module:
    """A freshly initialised model of the declared architecture (no checkpoint loaded)."""
    if seed is not None:
        torch.manual_seed(seed)
    spec = decl.model
    if spec.kind == "zero_layer":
        return ZeroLayerModel(**spec.config)
    if spec.kind == "embed_mlp":
        return EmbedMLPModel(**spec.config)
    if spec.kind == "native":
        from transformer_lens.config import TransformerBridgeConfig
        from transformer_lens.model_bridge import TransformerBridge

        config = {k: (None if v == "none" else v) for k, v in spec.config.items()}  # TOML has no null
        if seed is not None:
            config["seed"] = seed
        try:
            cfg = TransformerBridgeConfig(architecture="TransformerLensNative", **config)
        except (TypeError, ValueError) as exc:
            raise DeclarationError(decl.path, "model.config", f"was rejected by TransformerBridgeConfig ({exc}).",
                                   "Use only TransformerBridgeConfig fields with values of the right type.") from exc
        return TransformerBridge.boot_native(cfg)
    raise DeclarationError(decl.path, "model.kind", "is 'pretrained', which has no local architecture to build.",
                           "Load it with load_pretrained() instead.")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save_checkpoint(model: nn.Module, path: Path) -> str:
    """Write the model's weights as safetensors atomically (temp file + rename); return the sha256."""
    path = Path(path)
    tensors = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    with atomic_path(path) as tmp:
        save_file(tensors, str(tmp))
    return sha256_file(path)


def read_state_dict(path: Path) -> dict[str, torch.Tensor]:
    """The flat state dict in a safetensors file or a torch.save file (read with weights_only=True), either layout."""
    path = Path(path)
    if path.suffix == ".safetensors":
        return load_file(str(path))
    state = torch.load(path, map_location="cpu", weights_only=True)
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise ValueError(f"{path} does not hold a flat state dict of tensors; save one with torch.save(model.state_dict()).")
    return state


def load_weights(model: nn.Module, state: dict[str, torch.Tensor], decl: Declaration, source: Path) -> None:
    """Copy `state` into `model`, failing with a clear sentence when the config does not fit the checkpoint.

    `state` is in the model's own (bridge) layout, or in the TransformerLens 2.x/3.x HookedTransformer layout,
    which is converted first (see harness.puzzle.checkpoint_formats).
    """
    expected = model.state_dict()
    layout = "bridge-layout"
    if set(state) != set(expected) and is_hooked_transformer_layout(state):
        layout = "HookedTransformer-layout"
        try:
            state = from_hooked_transformer(state, model.cfg, set(expected))
        except LayoutError as exc:
            raise DeclarationError(decl.path, "model.config", f"does not fit the checkpoint {source.name}, read as a "
                                   f"{layout} state dict: {exc.problem}.", exc.fix) from exc
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    mismatched = [f"{k}: checkpoint {tuple(state[k].shape)} vs model {tuple(expected[k].shape)}"
                  for k in expected if k in state and state[k].shape != expected[k].shape]
    if missing or unexpected or mismatched:
        parts = []
        if missing:
            parts.append(f"missing {', '.join(missing[:4])}{' …' if len(missing) > 4 else ''}")
        if unexpected:
            parts.append(f"unexpected {', '.join(unexpected[:4])}{' …' if len(unexpected) > 4 else ''}")
        if mismatched:
            parts.append(f"shape mismatch {'; '.join(mismatched[:3])}")
        raise DeclarationError(decl.path, "model.config", f"does not fit the checkpoint {source.name}, read as a "
                               f"{layout} state dict ({'; '.join(parts)}).",
                               "Make [model.config] match the architecture the checkpoint was trained with, or retrain it "
                               f"with `interp-puzzles train {decl.name}`. A checkpoint holds the model's own state dict "
                               "or a TransformerLens 2.x/3.x HookedTransformer state dict.")
    model.load_state_dict({k: state[k].to(expected[k].dtype) for k in expected}, strict=True)


def load_checkpoint(decl: Declaration, checkpoint: Path | None = None, verify_hash: bool = True) -> nn.Module:
    """The declared model with its shipped checkpoint (or `checkpoint`), hash-checked, in eval mode."""
    assert decl.checkpoint is not None
    path = Path(checkpoint) if checkpoint else decl.folder / decl.checkpoint.file
    if not path.is_file():
        raise DeclarationError(decl.path, "checkpoint.file", f"points to {path}, which does not exist.",
                               f"Restore the file or recreate it with `interp-puzzles train {decl.name} --out {path}`.")
    if checkpoint is None and verify_hash:
        actual = sha256_file(path)
        if actual != decl.checkpoint.sha256:
            raise DeclarationError(decl.path, "checkpoint.sha256", f"is {decl.checkpoint.sha256} but {path.name} hashes to {actual}.",
                                   "Restore the shipped checkpoint (git checkout), or, if you retrained it on purpose, "
                                   "record the new digest and bump the puzzle's version.")
    model = build_model(decl)
    try:
        state = read_state_dict(path)
    except Exception as exc:  # noqa: BLE001 - any unreadable file gets the same clear message
        raise DeclarationError(decl.path, "checkpoint.file", f"could not be read from {path} ({exc}).",
                               "Point it at a safetensors file, or a torch.save file of a flat state dict.") from exc
    load_weights(model, state, decl, path)
    return model.eval()


def load_pretrained(decl: Declaration, source: str | Path | None = None) -> nn.Module:
    """A pretrained Hugging Face model through TransformerBridge.boot_transformers, from the local cache or a folder."""
    from transformer_lens.model_bridge import TransformerBridge

    name = str(source or decl.model.hf_name)
    try:
        model = TransformerBridge.boot_transformers(name, device="cpu")
    except (OSError, ValueError) as exc:
        raise DeclarationError(decl.path, "model.hf_name",
                               f"names {name!r}, which is not in the local Hugging Face cache or could not be loaded as a model "
                               f"({exc.__class__.__name__}: {str(exc)[:200]}).",
                               "Download the weights once on a machine with network access (huggingface-cli download "
                               f"{name}) or pass a local folder that holds config.json and the weights.") from exc
    return model.eval()


def pretrained_available(name: str) -> bool:
    """Whether `name` is a local folder or its config is in the Hugging Face cache (no network used)."""
    if Path(name).is_dir():
        return True
    try:
        from huggingface_hub import try_to_load_from_cache

        found = try_to_load_from_cache(name, "config.json")
        return isinstance(found, str)
    except Exception:  # noqa: BLE001
        return False
