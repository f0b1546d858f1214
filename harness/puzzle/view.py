"""Small views for notebooks: an attention-pattern grid that needs nothing but the standard library to show.

    p = harness.load_puzzle("rederive_position")
    p.attention(p.dev_sample()["tokens"][0])             # every head of every layer, one grid each
    p.attention(tokens, layer=1, head=0)                 # one head

Each grid has one row per query and one column per key, shaded by the attention weight, with the tokens as
labels; hover (or focus) a cell for its exact weight. Rendered as HTML in Jupyter (`_repr_html_`) and as a
compact text table elsewhere. For richer views install circuitsvis and pass it the `weights` array.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import numpy as np


@dataclass
class AttentionView:
    weights: np.ndarray  # [heads, query, key] attention weights of the heads shown
    heads: list[str]  # their names, e.g. "L1H0"
    tokens: list[str]  # token labels, one per position

    def _repr_html_(self) -> str:
        cells = "".join(self._grid_html(name, w) for name, w in zip(self.heads, self.weights))
        return f'<div style="display:flex;flex-wrap:wrap;gap:18px;font:12px system-ui,sans-serif">{cells}</div>'

    def _grid_html(self, name: str, weights: np.ndarray) -> str:
        labels = [escape(t) for t in self.tokens]
        head = "".join(f'<th style="writing-mode:vertical-rl;font-weight:400;padding:2px">{t}</th>' for t in labels)
        rows = []
        for q, label in enumerate(labels):
            row = []
            for k in range(len(labels)):
                w = float(weights[q, k])
                shade = f"rgba(59,111,216,{w:.3f})" if k <= q or w > 0 else "#f3f4f6"
                row.append(f'<td title="query {q} ({label}) → key {k} ({labels[k]}): {w:.3f}" tabindex="0" '
                           f'style="width:16px;height:16px;background:{shade};border:1px solid #fff"></td>')
            rows.append(f'<tr><th style="text-align:right;font-weight:400;padding:0 4px">{label}</th>{"".join(row)}</tr>')
        return (f'<figure style="margin:0"><figcaption style="font-weight:600">{escape(name)}</figcaption>'
                f'<table style="border-collapse:collapse"><tr><th></th>{head}</tr>{"".join(rows)}</table></figure>')

    def __str__(self) -> str:
        width = max(len(t) for t in self.tokens)
        lines = []
        for name, weights in zip(self.heads, self.weights):
            lines.append(f"{name}: query → strongest keys (weight)")
            for q, token in enumerate(self.tokens):
                top = np.argsort(-weights[q])[:3]
                keys = ", ".join(f"{self.tokens[k]}@{k} ({weights[q, k]:.2f})" for k in top if weights[q, k] >= 0.05)
                lines.append(f"  {token:>{width}}@{q:<3} {keys}")
        return "\n".join(lines)

    __repr__ = __str__


def attention_view(puzzle, tokens, layer: int | None = None, head: int | None = None) -> AttentionView:
    """The attention patterns of `puzzle`'s model on one input (a 1-D sequence of token ids)."""
    import torch

    tokens = torch.as_tensor(np.asarray(tokens.detach().cpu() if isinstance(tokens, torch.Tensor) else tokens))
    tokens = tokens.reshape(1, -1)
    cfg = puzzle.model.cfg
    if not getattr(cfg, "n_heads", 0):
        raise ValueError(f"{puzzle.name} has no attention heads to show.")
    layers = range(cfg.n_layers) if layer is None else [layer]
    heads = range(cfg.n_heads) if head is None else [head]
    names = [f"blocks.{layer}.attn.hook_pattern" for layer in layers]
    with torch.no_grad():
        _, cache = puzzle.model.run_with_cache(tokens.to(puzzle.device), names_filter=lambda n: n in names)
    weights = [cache[f"blocks.{l}.attn.hook_pattern"][0, h].cpu().numpy() for l in layers for h in heads]
    return AttentionView(np.stack(weights), [f"L{l}H{h}" for l in layers for h in heads],
                         [str(t) for t in puzzle.to_str_tokens(tokens[0])])
