"""A grading sample: one batch's clean run, ablated replacements, and batched forward passes under edits.

The caller prepares a Sample and owns it (reuse it across hypotheses graded on the same data); nothing is
cached at module level. Forward passes run on the model's device; tokens, clean activations, logits and every
edit's tensors live on the CPU, and an edit's tensors are moved to the device only inside its hook.

Ablations (every circuit result reports all of them; each puzzle declares its default in `[grading] ablation`):
  zero             the output is set to 0;
  mean             the mean over rows, per position;
  resample         the output of another row, same position;
  global_mean      the mean over rows *and* positions (removes what is constant per position, e.g. a position code);
  global_resample  the output of another row at a random position.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Callable

import torch

from ..puzzle.components import Component
from ..puzzle.declaration import ABLATIONS  # the names live with the declaration, which is torch-free
from . import forward
from .edits import Edit, select

MAX_TOKENS_PER_PASS = 16384  # rows x positions per forward pass, at most: near this CPU's sweet spot, bounds memory
MAX_VALUES_PER_PASS = 2 ** 22  # ... and tokens x the widest activation per token (logits, MLP neurons) at most
MIN_TOKENS_PER_PASS = 1024  # ... but never fewer (a 50k-token vocabulary would leave 83 tokens a pass)


def tokens_per_pass(model: torch.nn.Module, d_out: int) -> int:
    """Tokens (rows x positions) per forward pass for `model` with `d_out` logits per token. Wide activations
    leave the cache sooner: measured on modular_addition_mlp (d_mlp 512), its reference grades in 16.9 s at 8,192
    tokens a pass and 20.1 s at 16,384; min_of_two_ints (widest: 200 logits) in 2.5 s at 16,384, 2.8 s at 4,096."""
    cfg = getattr(model, "cfg", None)
    width = max(d_out, getattr(cfg, "d_mlp", None) or 0, getattr(cfg, "d_model", None) or 0, 1)
    return min(MAX_TOKENS_PER_PASS, max(MIN_TOKENS_PER_PASS, MAX_VALUES_PER_PASS // width))


class Sample:
    """Clean activations of one batch, computed once; `run` evaluates many edit lists, several per pass.

    `read`: the positions whose logits the caller reads after an edited pass (bool [pos]; None: all). Where the model
    is one `harness.grading.forward` computes, edited passes compute the last layer at those positions only and give
    NaN logits elsewhere, and a pass that edits nothing below layer l starts there, from the clean run's input to l."""

    def __init__(self, model: torch.nn.Module, tokens: torch.Tensor, hooks: set[str],
                 read: torch.Tensor | None = None) -> None:
        self.model, self.tokens = model, tokens
        inputs = forward.layer_inputs(model) if forward.applies(model, read) else {}
        on_model = tokens.to(device_of(model))
        with torch.no_grad():
            logits, cache = model.run_with_cache(on_model, names_filter=lambda name: name in hooks or name in inputs)
        self.clean_logits = logits.cpu()
        self.clean = {name: cache[name].cpu() for name in hooks}
        self.trimmed = forward.Trimmed.of(model, read, on_model, self.clean_logits)
        # layer -> its clean input (the residual stream before it), where an edited pass may start
        self.inputs = {layer: cache[name].cpu() for name, layer in inputs.items()} if self.trimmed else {}

    def head(self, rows: int) -> "Sample":
        """The first `rows` rows as a Sample of their own, sharing the clean run (no forward pass)."""
        part = object.__new__(Sample)
        part.model, part.tokens, part.clean_logits = self.model, self.tokens[:rows], self.clean_logits[:rows]
        part.clean = {name: act[:rows] for name, act in self.clean.items()}
        part.trimmed, part.inputs = self.trimmed, {layer: act[:rows] for layer, act in self.inputs.items()}
        return part

    def __len__(self) -> int:
        return len(self.tokens)

    def activation(self, component: Component) -> torch.Tensor:
        return select(component, self.clean[component.hook])

    def pattern(self, layer: int, head: int) -> torch.Tensor:
        return self.clean[f"blocks.{layer}.attn.hook_pattern"][:, head]

    def ablated(self, component: Component, ablation: str, generator: torch.Generator) -> torch.Tensor:
        """The replacement for an ablated component, [batch, pos, d]."""
        act = self.activation(component)
        rows, n_ctx = act.shape[:2]
        if ablation == "zero":
            return torch.zeros_like(act)
        if ablation == "mean":
            return act.mean(0, keepdim=True).expand_as(act)
        if ablation == "global_mean":
            return act.mean((0, 1), keepdim=True).expand_as(act)
        if ablation == "resample":
            return act[other_rows(rows, generator)]
        if ablation == "global_resample":
            shift = (torch.randint(1, rows, (rows, n_ctx), generator=generator) if rows > 1  # never 0: another row
                     else torch.zeros(rows, n_ctx, dtype=torch.long))  # (a single row has no other)
            src_rows = (torch.arange(rows)[:, None] + shift) % rows
            src_pos = torch.randint(0, n_ctx, (rows, n_ctx), generator=generator)
            return act[src_rows, src_pos]
        raise ValueError(f"Unknown ablation {ablation!r}; use one of {', '.join(ABLATIONS)}.")

    def run(self, variants: list[list[Edit]], reduce: Callable[[torch.Tensor], torch.Tensor]) -> list[torch.Tensor]:
        """`reduce(logits)` for each variant. Passes hold at most `tokens_per_pass` tokens (rows x positions):
        several variants are stacked along the batch when they fit, and a variant larger than that is split by rows.
        A `reduce` that works row by row says so with a method `rows(part) -> reduce of rows part`."""
        batch, n_ctx = self.tokens.shape
        budget = tokens_per_pass(self.model, self.clean_logits.shape[-1])
        rows = max(1, min(batch, budget // max(1, n_ctx)))
        if rows < batch:  # one variant per pass, in row blocks
            parts = [slice(start, start + rows) for start in range(0, batch, rows)]

            def block(edits: list[Edit], part: slice) -> torch.Tensor:
                return self._forward([[e.rows(part) for e in edits]], part)

            if hasattr(reduce, "rows"):  # a row-wise reduce reduces each block as it comes
                return [torch.cat([reduce.rows(part)(block(edits, part)) for part in parts]) for edits in variants]
            return [reduce(torch.cat([block(edits, part) for part in parts])) for edits in variants]
        per_pass = max(1, budget // max(1, batch * n_ctx))
        results: list[torch.Tensor] = []
        for start in range(0, len(variants), per_pass):
            logits = self._forward(variants[start:start + per_pass])
            results += [reduce(part) for part in logits.split(batch)]
        return results

    def _forward(self, variants: list[list[Edit]], rows: slice = slice(None)) -> torch.Tensor:
        """One forward pass of the sample's `rows` once per variant, stacked along the batch; the logits on the CPU."""
        tokens = self.tokens[rows]
        device = device_of(self.model)
        by_hook: dict[str, list[tuple[int, Edit]]] = {}
        for v, edits in enumerate(variants):
            for edit in sorted(edits, key=lambda e: e.priority):
                moved = on_device(edit, device)
                for name in edit.hooks():
                    by_hook.setdefault(name, []).append((v, moved))
        states = [{} for _ in variants]
        hooks = {name: _stacked_hook(name, edits, states, len(tokens)) for name, edits in by_hook.items()}
        with torch.no_grad():
            stacked = (tokens if len(variants) == 1 else tokens.repeat(len(variants), 1)).to(device)
            if self.trimmed is not None and hooks.keys() <= self.trimmed.hooks:
                start = self.trimmed.start(hooks)
                resid = self.inputs[start][rows].repeat(len(variants), 1, 1).to(device) if start else None
                return self.trimmed.run(stacked, hooks, start, resid).cpu()
            return self.model.run_with_hooks(stacked, fwd_hooks=list(hooks.items())).cpu()


def device_of(model: torch.nn.Module) -> torch.device:
    """Where the model's weights are (the CPU for a model without parameters)."""
    return next(iter(model.parameters()), torch.empty(0)).device


def on_device(edit: Edit, device: torch.device) -> Edit:
    """The edit itself when its tensors are on `device`, else a shallow copy with them moved there."""
    moves = {f.name: value.to(device) for f in dataclasses.fields(edit)
             if isinstance(value := getattr(edit, f.name), torch.Tensor) and value.device != device}
    if not moves:
        return edit
    moved = copy.copy(edit)
    for name, value in moves.items():
        setattr(moved, name, value)
    return moved


def other_rows(n: int, generator: torch.Generator) -> torch.Tensor:
    """A random pairing of rows with other rows (no row keeps its own, when there are two or more)."""
    if n < 2:
        return torch.arange(n)
    shift = int(torch.randint(1, n, (1,), generator=generator).item())
    order = torch.randperm(n, generator=generator)
    perm = torch.empty(n, dtype=torch.long)
    perm[order] = order.roll(shift)
    return perm


def _stacked_hook(name: str, edits: list[tuple[int, Edit]], states: list[dict], batch: int):
    def hook(activation: torch.Tensor, hook=None) -> torch.Tensor:
        if len(activation) == batch:  # one variant in this pass: no split and no copy back
            for _, edit in edits:
                activation = edit.apply(name, activation, states[0])
            return activation
        parts = list(activation.split(batch))
        for v, edit in edits:
            parts[v] = edit.apply(name, parts[v], states[v])
        return torch.cat(parts)
    return hook
