"""The two state-dict layouts a toy checkpoint may use, and the one mapping between them.

Bridge layout: what `model.state_dict()` of the declared model holds (TransformerLens 4 `boot_native`, or
`ZeroLayerModel`). `nn.Linear` weights are stored [out, in]; attention heads are flattened head-major, so
`blocks.L.attn.q.weight` is [(n_heads d_head), d_model] and `blocks.L.attn.o.weight` [d_model, (n_heads d_head)].

HookedTransformer layout: `HookedTransformer.state_dict()` of TransformerLens 2.x/3.x, e.g. `embed.W_E`
[d_vocab, d_model], `blocks.L.attn.W_Q` [n_heads, d_model, d_head], `blocks.L.attn.W_O` [n_heads, d_head, d_model],
`blocks.L.mlp.W_in` [d_model, d_mlp], `unembed.W_U` [d_model, d_vocab], `blocks.L.ln1.w`, plus the `attn.mask` and
`attn.IGNORE` buffers, which are dropped.

Reading goes through TransformerLens 4's own converter (`convert_tl_checkpoint`); `to_hooked_transformer` is its
inverse, for writing such files (tests, or handing a checkpoint to TransformerLens 2.x/3.x code).
"""

from __future__ import annotations

import re
from typing import Any

import einops
import torch

from ..errors import LayoutError

# Key endings that only the HookedTransformer layout uses.
_HOOKED_TRANSFORMER_NAMES = {"W_E", "W_pos", "W_Q", "W_K", "W_V", "W_O", "W_in", "W_out", "W_U", "b_U"}
_LN_KEY = re.compile(r"(^|\.)(ln1|ln2|ln_final)\.")

# Bridge key -> (HookedTransformer key, transposed?) for the keys outside the blocks.
_TOP_LEVEL = {"embed.weight": ("embed.W_E", False), "pos_embed.weight": ("pos_embed.W_pos", False),
              "unembed.weight": ("unembed.W_U", True), "unembed.bias": ("unembed.b_U", False)}
# Bridge suffix -> (HookedTransformer suffix, einops pattern; h heads of d = d_head). Inverse of convert_tl_checkpoint.
_TO_HOOKED_TRANSFORMER: list[tuple[str, str, str]] = [
    (".attn.q.weight", ".attn.W_Q", "(h d) m -> h m d"),
    (".attn.k.weight", ".attn.W_K", "(h d) m -> h m d"),
    (".attn.v.weight", ".attn.W_V", "(h d) m -> h m d"),
    (".attn.o.weight", ".attn.W_O", "m (h d) -> h d m"),
    (".attn.q.bias", ".attn.b_Q", "(h d) -> h d"),
    (".attn.k.bias", ".attn.b_K", "(h d) -> h d"),
    (".attn.v.bias", ".attn.b_V", "(h d) -> h d"),
    (".attn.o.bias", ".attn.b_O", "m -> m"),
    (".mlp.in.weight", ".mlp.W_in", "o i -> i o"),
    (".mlp.in.bias", ".mlp.b_in", "o -> o"),
    (".mlp.out.weight", ".mlp.W_out", "o i -> i o"),
    (".mlp.out.bias", ".mlp.b_out", "o -> o"),
]




def is_hooked_transformer_layout(state: dict[str, torch.Tensor]) -> bool:
    """Whether any key is a HookedTransformer parameter name (`embed.W_E`, `blocks.0.attn.W_Q`, ...)."""
    return any(key.rsplit(".", 1)[-1] in _HOOKED_TRANSFORMER_NAMES for key in state)


def from_hooked_transformer(state: dict[str, torch.Tensor], cfg: Any,
                            expected: set[str] | None = None) -> dict[str, torch.Tensor]:
    """A HookedTransformer-layout state dict in the bridge layout; `cfg` gives n_heads, d_head, d_model.

    With `expected` (the model's own keys), a file without LayerNorm weights for a model with LayerNorm, or the
    reverse, raises a LayoutError that says so instead of a bare list of missing keys.
    """
    from transformer_lens.utilities.tl_checkpoint_conversion import convert_tl_checkpoint

    if expected is not None:
        file_ln = any(_LN_KEY.search(k) for k in state)
        model_ln = any(_LN_KEY.search(k) for k in expected)
        if model_ln and not file_ln:
            raise LayoutError(
                "it holds no LayerNorm weights (ln1.w, ln2.w, ln_final.w), as saved by a HookedTransformer whose "
                "LayerNorm was folded into the following weights (fold_ln=True, the from_pretrained default; "
                "normalization_type 'LNPre') or that had none, but [model.config] declares a LayerNorm with weights",
                "Save the unfolded model instead (fold_ln=False, or from_pretrained_no_processing); or, if it was "
                "folded, add ones for every ln*.w and zeros for every ln*.b, which computes the folded model's "
                "function.")
        if file_ln and not model_ln:
            raise LayoutError(
                "it holds LayerNorm weights (ln1.w, ln2.w, ln_final.w), but [model.config] declares no normalization",
                "Make [model.config] match the architecture the checkpoint was trained with.")
    try:
        return convert_tl_checkpoint(dict(state), cfg)
    except ValueError as exc:
        raise LayoutError(str(exc).removeprefix("convert_tl_checkpoint: ").rstrip("."),
                          "Make [model.config] match the architecture the checkpoint was trained with (n_heads, "
                          "d_head, d_model), and save it with torch.save(model.state_dict()).") from exc


def to_hooked_transformer(state: dict[str, torch.Tensor], cfg: Any) -> dict[str, torch.Tensor]:
    """The inverse of `from_hooked_transformer`: a bridge-layout state dict in the HookedTransformer layout."""
    out: dict[str, torch.Tensor] = {}
    for key, tensor in state.items():
        if key in _TOP_LEVEL:
            new_key, transpose = _TOP_LEVEL[key]
            out[new_key] = tensor.T if transpose else tensor
        elif _LN_KEY.search(key) and key.endswith((".weight", ".bias")):
            out[key.rsplit(".", 1)[0] + (".w" if key.endswith(".weight") else ".b")] = tensor
        else:
            for suffix, new_suffix, pattern in _TO_HOOKED_TRANSFORMER:
                if key.endswith(suffix):
                    sizes = {"d": cfg.d_head} if "(h d)" in pattern else {}
                    out[key[: -len(suffix)] + new_suffix] = einops.rearrange(tensor, pattern, **sizes)
                    break
            else:
                raise ValueError(f"no HookedTransformer name for bridge key {key!r}")
    return {k: v.contiguous() for k, v in out.items()}
