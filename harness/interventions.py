"""Batched interventions: clean activations computed once, many ablations per forward pass."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch

from .components import Component

ABLATIONS = ("mean", "resample", "zero")
MAX_TOKENS_PER_PASS = 65536  # rows x positions per forward pass; bounds memory on 2-core CPU machines


@dataclass(frozen=True)
class Edit:
    """Replace `component`'s activation where `mask` is true with `replacement`."""

    component: Component  # which output (its base: hook and head)
    mask: torch.Tensor  # bool [pos] or [batch, pos]
    replacement: torch.Tensor  # [batch, pos, d] (a head's slice for heads)


def select(component: Component, activation: torch.Tensor) -> torch.Tensor:
    """The component's slice of its hook's activation: [batch, pos, d]."""
    return activation[:, :, component.head] if component.kind == "head" else activation


class Intervener:
    """Runs a model on one batch under lists of edits, several edit lists per forward pass."""

    def __init__(self, model: torch.nn.Module, tokens: torch.Tensor, hooks: set[str], seed: int) -> None:
        self.model, self.tokens = model, tokens
        with torch.no_grad():
            logits, cache = model.run_with_cache(tokens, names_filter=lambda name: name in hooks)
        self.clean_logits = logits
        self.clean = {name: cache[name] for name in hooks}
        self.generator = torch.Generator().manual_seed(seed)

    def activation(self, component: Component) -> torch.Tensor:
        return select(component, self.clean[component.hook])

    def permutation(self) -> torch.Tensor:
        """A random pairing of rows with other rows (no row keeps its own, when there are two or more)."""
        n = len(self.tokens)
        if n < 2:
            return torch.arange(n)
        shift = torch.randint(1, n, (1,), generator=self.generator).item()
        order = torch.randperm(n, generator=self.generator)
        perm = torch.empty(n, dtype=torch.long)
        perm[order] = order.roll(shift)
        return perm

    def ablated(self, component: Component, ablation: str, perm: torch.Tensor | None = None) -> torch.Tensor:
        """The replacement for an ablated component: zeros, the batch mean per position, or other rows' values."""
        act = self.activation(component)
        if ablation == "zero":
            return torch.zeros_like(act)
        if ablation == "mean":
            return act.mean(0, keepdim=True).expand_as(act)
        if ablation == "resample":
            return act[self.permutation() if perm is None else perm]
        raise ValueError(f"Unknown ablation {ablation!r}; use one of {', '.join(ABLATIONS)}.")

    def run(self, variants: list[list[Edit]], reduce: Callable[[torch.Tensor], torch.Tensor],
            extra_hooks: Callable[[int], list] | None = None) -> list[torch.Tensor]:
        """`reduce(logits)` for each variant; variants are stacked along the batch, several per pass."""
        batch, n_ctx = self.tokens.shape
        per_pass = max(1, MAX_TOKENS_PER_PASS // max(1, batch * n_ctx))
        results: list[torch.Tensor] = []
        for start in range(0, len(variants), per_pass):
            chunk = variants[start:start + per_pass]
            by_hook: dict[str, list[tuple[int, Edit]]] = {}
            for v, edits in enumerate(chunk):
                for edit in edits:
                    by_hook.setdefault(edit.component.hook, []).append((v, edit))
            hooks = [(name, self._hook(edits, len(chunk), batch)) for name, edits in by_hook.items()]
            with torch.no_grad():
                logits = self.model.run_with_hooks(self.tokens.repeat(len(chunk), 1), fwd_hooks=hooks)
            results += [reduce(part) for part in logits.split(batch)]
        return results

    @staticmethod
    def _hook(edits: list[tuple[int, Edit]], n_variants: int, batch: int):
        def hook(activation: torch.Tensor, hook=None) -> torch.Tensor:
            stacked = activation.view(n_variants, batch, *activation.shape[1:])
            for v, edit in edits:
                target = select(edit.component, stacked[v])
                mask = edit.mask if edit.mask.dim() == 2 else edit.mask[None].expand(batch, -1)
                target.copy_(torch.where(mask[..., None], edit.replacement, target))
            return activation
        return hook
