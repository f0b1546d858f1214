"""Interventions as edits: each edit changes activations at one or more hook points of one forward pass.

Four kinds cover every claim:
  Replace  — a component's output at some (row, position) units becomes a given replacement (ablation,
             resampling, patching from another input);
  Project  — the same within (or outside) a linear subspace of the output (subspace claims);
  Pattern  — a head's attention pattern at some queries becomes a given one (attention claims);
  Path     — a component's ablation reaches only some readers (`only`) or every reader but those (`except`):
             a reader is a head's q/k/v input, an MLP's input or the final residual stream (path claims).

Every edit acts position by position: what it writes at a position depends only on the activation there and the
edit's own tensors (the trimmed forward, `harness.grading.forward`, relies on it; a pattern's position is its
query). All knowledge of hook names and weight layouts lives here, in `harness.puzzle.components` and, for the
models it computes from their weights, in `forward`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import torch

from ..puzzle.components import Component

State = dict[str, Any]  # per-variant scratch space shared by the hooks of one edit


def select(component: Component, activation: torch.Tensor) -> torch.Tensor:
    """The component's slice of its hook's activation: [batch, pos, d]."""
    return activation[:, :, component.head] if component.kind == "head" else activation


def _assign(component: Component, activation: torch.Tensor, value: torch.Tensor) -> torch.Tensor:
    if component.kind == "head":
        activation = activation.clone()
        activation[:, :, component.head] = value
        return activation
    return value


class Edit:
    """Base class: `hooks` lists (hook name, priority); `apply` edits one variant's activation at one hook."""

    priority = 0  # edits at the same hook run in increasing priority
    per_row: tuple[str, ...] = ()  # tensor fields indexed by the batch's rows first (a `mask` only in its 2-D form)

    def hooks(self) -> list[str]:
        raise NotImplementedError

    def apply(self, name: str, activation: torch.Tensor, state: State) -> torch.Tensor:
        raise NotImplementedError

    def rows(self, part: slice) -> "Edit":
        """This edit for rows `part` of the batch only (a pass too large for one forward is split by rows)."""
        changes = {name: getattr(self, name)[part] for name in self.per_row
                   if not (name == "mask" and getattr(self, name).dim() == 1)}
        return dataclasses.replace(self, **changes) if changes else self


@dataclass(eq=False)
class Replace(Edit):
    """Replace `component`'s output where `mask` is true with `replacement` ([batch, pos, d])."""

    component: Component
    mask: torch.Tensor  # bool [pos] or [batch, pos]
    replacement: torch.Tensor
    per_row = ("mask", "replacement")

    def hooks(self) -> list[str]:
        return [self.component.hook]

    def apply(self, name: str, activation: torch.Tensor, state: State) -> torch.Tensor:
        current = select(self.component, activation)
        mask = self.mask if self.mask.dim() == 2 else self.mask[None].expand(current.shape[0], -1)
        return _assign(self.component, activation, torch.where(mask[..., None], self.replacement, current))


@dataclass(eq=False)
class Project(Edit):
    """Within the span of `basis` (orthonormal rows, [k, d]), `component`'s output at `mask` takes `replacement`'s
    part (`inside=True`: the projection on the span is replaced, the rest kept) — or, with `inside=False`, keeps
    only its own projection on the span and takes `replacement`'s part orthogonal to it."""

    component: Component
    mask: torch.Tensor  # bool [pos]
    basis: torch.Tensor  # [k, d], orthonormal rows
    replacement: torch.Tensor  # [batch, pos, d]
    inside: bool
    per_row = ("replacement",)

    def hooks(self) -> list[str]:
        return [self.component.hook]

    def apply(self, name: str, activation: torch.Tensor, state: State) -> torch.Tensor:
        current = select(self.component, activation)
        basis = self.basis.to(current.dtype)
        project = lambda x: (x @ basis.T) @ basis  # noqa: E731
        mixed = (current - project(current) + project(self.replacement) if self.inside
                 else project(current) + self.replacement - project(self.replacement))
        return _assign(self.component, activation, torch.where(self.mask[None, :, None], mixed, current))


@dataclass(eq=False)
class Pattern(Edit):
    """Head (layer, head)'s attention at `queries` (bool [batch, q]) becomes `pattern` ([batch, q, k])."""

    layer: int
    head: int
    queries: torch.Tensor
    pattern: torch.Tensor
    per_row = ("queries", "pattern")

    def hooks(self) -> list[str]:
        return [f"blocks.{self.layer}.attn.hook_pattern"]

    def apply(self, name: str, activation: torch.Tensor, state: State) -> torch.Tensor:
        activation = activation.clone()
        current = activation[:, self.head]
        activation[:, self.head] = torch.where(self.queries[..., None], self.pattern.to(current.dtype), current)
        return activation


def _original(module: torch.nn.Module) -> torch.nn.Module:
    return getattr(module, "_original_component", module)


def residual_write(model: torch.nn.Module, component: Component, output: torch.Tensor) -> torch.Tensor:
    """What `output` (the component's slice of its hook) adds to the residual stream: [batch, pos, d_model]."""
    if component.kind != "head":
        return output
    w_o = model.blocks[component.layer].attn.o.weight  # [d_model, heads * d_head]
    d_head = output.shape[-1]
    return output @ w_o[:, component.head * d_head:(component.head + 1) * d_head].T


def _reader_hooks(target: Component | str) -> list[str]:
    """The hooks where `target` reads the residual stream: first the one that captures it, then the inputs."""
    if target == "logits":
        return ["ln_final.hook_in"]
    if target.kind == "mlp":
        return [f"blocks.{target.layer}.ln2.hook_in", f"blocks.{target.layer}.mlp.hook_in"]
    return [f"blocks.{target.layer}.ln1.hook_in", *(f"blocks.{target.layer}.attn.hook_{i}" for i in target.input)]


@dataclass(eq=False)
class Path(Edit):
    """Ablate `source` (to `ablated` at `mask` positions) for some readers only, or for every reader but those.

    mode "only":   the model runs as it is, but the target readers read the residual stream as if `source` were
                   ablated;
    mode "except": `source` is ablated everywhere, but the target readers read it as it was (its value in this very
                   pass, so the edit composes with other edits of the same variant).
    target: a head's inputs (component with .input: "q", "k", "v" or several, e.g. "qk"), an MLP, "logits", or a
            tuple of those (several readers at once, e.g. two heads' keys).
    """

    model: torch.nn.Module
    source: Component
    mask: torch.Tensor  # bool [pos]
    ablated: torch.Tensor  # [batch, pos, d]
    target: Component | str | tuple
    mode: str
    priority = 1  # after Replace edits at the source's hook: capture what the source is in this pass
    per_row = ("ablated",)
    key: str = field(default="")

    def __post_init__(self) -> None:
        self.key = f"path{id(self)}"

    @property
    def targets(self) -> tuple:
        return self.target if isinstance(self.target, tuple) else (self.target,)

    def hooks(self) -> list[str]:
        names = [self.source.hook]
        for target in self.targets:
            names += [name for name in _reader_hooks(target) if name not in names]
        return names

    def apply(self, name: str, activation: torch.Tensor, state: State) -> torch.Tensor:
        if name == self.source.hook:
            current = select(self.source, activation)
            ablated = torch.where(self.mask[None, :, None], self.ablated, current)
            if self.mode == "only":
                state[self.key] = residual_write(self.model, self.source, ablated - current)
                return activation
            state[self.key] = residual_write(self.model, self.source, current - ablated)
            return _assign(self.source, activation, ablated)
        delta = state[self.key]
        if name == "ln_final.hook_in":
            return activation + delta
        if name.endswith((".ln1.hook_in", ".ln2.hook_in")):  # where a reader's input is captured
            state[f"resid@{name}"] = activation
            return activation
        # Several path edits of one variant may feed the same reader (the joint test): each adds its change to
        # what that reader has received so far and recomputes it, so the last one's recomputation holds them all.
        layer = int(name.split(".")[1])
        block = self.model.blocks[layer]
        if name.endswith(".mlp.hook_in"):
            received = f"delta@{name}"
            state[received] = state.get(received, 0) + delta
            return _original(block.ln2)(state[f"resid@blocks.{layer}.ln2.hook_in"] + state[received])
        letter = name[-1]
        linear = _original({"q": block.attn.q, "k": block.attn.k, "v": block.attn.v}[letter])
        activation = activation.clone()
        for target in self.targets:
            if target == "logits" or target.kind != "head" or target.layer != layer or letter not in target.input:
                continue
            received = f"delta@{name}@{target.head}"
            state[received] = state.get(received, 0) + delta
            resid = state[f"resid@blocks.{layer}.ln1.hook_in"] + state[received]
            new = linear(_original(block.ln1)(resid)).view(activation.shape)
            activation[:, :, target.head] = new[:, :, target.head]
        return activation
