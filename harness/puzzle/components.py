"""Component names (`embed`, `pos_embed`, `L1H0`, `MLP0`, `L1H0[1:10]`, `L1H0.q`) and their hook points."""

from __future__ import annotations

import re
from dataclasses import dataclass

from torch import nn

from ..hypothesis import HypothesisError
from .declaration import Declaration

_NAME = re.compile(r"^(?:(?P<embed>embed|pos_embed)|L(?P<layer>\d+)H(?P<head>\d+)|MLP(?P<mlp>\d+))"
                   r"(?P<input>\.(?:q|k|v|qk|qv|kv|qkv))?(?:\[(?P<positions>[^\]]*)\])?$")


@dataclass(frozen=True)
class Component:
    kind: str  # "embed", "pos_embed", "head" or "mlp"
    layer: int | None = None
    head: int | None = None
    positions: tuple[int, ...] | None = None  # None = every position
    input: str | None = None  # "q", "k", "v" or several ("qk") for a head's inputs (path targets only)

    @property
    def base(self) -> str:
        """The name without positions or input, e.g. `L1H0`."""
        if self.kind in ("embed", "pos_embed"):
            return self.kind
        return f"L{self.layer}H{self.head}" if self.kind == "head" else f"MLP{self.layer}"

    @property
    def hook(self) -> str:
        """The hook whose activation is this component's output."""
        return {"embed": "hook_embed", "pos_embed": "hook_pos_embed",
                "head": f"blocks.{self.layer}.attn.hook_z", "mlp": f"blocks.{self.layer}.hook_mlp_out"}[self.kind]

    def __str__(self) -> str:
        text = self.base + (f".{self.input}" if self.input else "")
        return text + (f"[{','.join(map(str, self.positions))}]" if self.positions is not None else "")


def _positions(text: str, n_ctx: int, name: str) -> tuple[int, ...]:
    """The positions in `[...]`, checked against 0..n_ctx-1 before any range is built (a hostile
    `embed[0:1000000000]` costs nothing); at most 4096 comma-separated entries."""
    max_items = 4096
    def number(part: str) -> int:
        part = part.strip()
        if not re.fullmatch(r"-?\d{1,18}", part):
            raise HypothesisError(f"Component {name[:80]!r} has positions [{text[:40]}] that are not integers; "
                                  "write e.g. L1H0[3], L1H0[1,2] or L1H0[1:10].")
        return int(part)

    outside = HypothesisError(f"Component {name[:80]!r} names positions outside 0..{n_ctx - 1}; "
                              f"this puzzle's sequences have {n_ctx} positions.")
    if ":" in text:
        start, _, stop = text.partition(":")
        first = number(start) if start.strip() else 0
        end = number(stop) if stop.strip() else n_ctx
        if first < 0 or end > n_ctx or first >= end:
            raise outside
        return tuple(range(first, end))
    parts = text.split(",")
    if len(parts) > max_items:
        raise HypothesisError(f"Component {name[:80]!r} lists {len(parts)} positions; at most {max_items} "
                              "are accepted. Use a range such as L1H0[1:10].")
    values = [number(v) for v in parts if v.strip()]
    if not values or min(values) < 0 or max(values) >= n_ctx:
        raise outside
    return tuple(sorted(set(values)))


class ComponentSpace:
    """The components a model has, and the parsing of names against it."""

    def __init__(self, decl: Declaration, model: nn.Module, n_ctx: int) -> None:
        cfg = model.cfg
        self.n_layers, self.n_heads, self.n_ctx = int(cfg.n_layers), int(getattr(cfg, "n_heads", 0) or 0), n_ctx
        self.attn_only = bool(getattr(cfg, "attn_only", False))
        frozen = set(decl.training.frozen_at_zero) if decl.training else set()
        self.transformer = decl.model.kind in ("native", "pretrained")  # has attention, LayerNorm hooks, q/k/v
        self.has_pos_embed = self.transformer and "pos_embed.weight" not in frozen \
            and getattr(cfg, "positional_embedding_type", "standard") == "standard"
        self.puzzle = decl.name

    def all(self) -> list[Component]:
        """Every component whose output can be ablated, in forward order."""
        out = [Component("embed")] + ([Component("pos_embed")] if self.has_pos_embed else [])
        for layer in range(self.n_layers):
            out += [Component("head", layer, h) for h in range(self.n_heads)]
            if not self.attn_only:
                out.append(Component("mlp", layer))
        return out

    def parse(self, name: str, allow_input: bool = False) -> Component:
        if not isinstance(name, str):
            raise HypothesisError(f"Component {name!r} is not a string; name components like 'L1H0' or 'MLP0'.")
        match = _NAME.match(name.replace(" ", ""))
        if not match:
            raise HypothesisError(f"Component {name!r} is not a component name; use embed, pos_embed, L<layer>H<head> "
                                  "or MLP<layer>, optionally with [positions].")
        groups = match.groupdict()
        if groups["input"] and not (allow_input and groups["layer"] is not None):
            raise HypothesisError(f"Component {name!r}: a .q/.k/.v input is only allowed on a head, as a path target.")
        positions = _positions(groups["positions"], self.n_ctx, name) if groups["positions"] is not None else None
        inp = groups["input"][1:] if groups["input"] else None
        if groups["embed"]:
            component = Component(groups["embed"], positions=positions)
        elif groups["layer"] is not None:
            component = Component("head", int(groups["layer"]), int(groups["head"]), positions, inp)
        else:
            component = Component("mlp", int(groups["mlp"]), positions=positions)
        known = {c.base for c in self.all()}
        if component.base not in known:
            raise HypothesisError(f"Component {name!r} does not exist in puzzle {self.puzzle!r}, whose components are: "
                                  f"{', '.join(sorted(known))}.")
        return component

    def parse_target(self, name: str) -> Component | str:
        """A path target: a head input (`L1H0.q`), an MLP, or `logits`."""
        if name == "logits":
            return name
        component = self.parse(name, allow_input=True)
        if component.positions is not None:
            raise HypothesisError(f"Path target {name!r} cannot have positions; the path is tested at every position.")
        if component.kind == "head" and component.input is None:
            raise HypothesisError(f"Path target {name!r} must name which input of the head: {name}.q, {name}.k or {name}.v "
                                  f"(or several, e.g. {name}.qk).")
        if component.kind in ("embed", "pos_embed"):
            raise HypothesisError(f"Path target {name!r} cannot be an embedding; use a head input, an MLP or 'logits'.")
        return component

    def parse_targets(self, name: str) -> tuple[Component | str, ...]:
        """Path targets: one (`L1H0.k`) or several readers joined by `+` (`L1H0.k+L1H1.k`, `MLP0+logits`)."""
        parts = [part.strip() for part in name.split("+")]
        targets = tuple(self.parse_target(part) for part in parts)
        readers = [t if t == "logits" else t.base for t in targets]
        if len(set(readers)) < len(readers):
            raise HypothesisError(f"Path target {name!r} names a reader twice; name each reader once (a head's "
                                  "inputs together, e.g. L1H0.qk).")
        return targets


def check_downstream(source: Component, target: Component | str, claim: str) -> None:
    """A path goes forward: to a later layer's head input, to an MLP of the same or a later layer, or to the logits."""
    if target == "logits" or source.kind in ("embed", "pos_embed"):
        return
    later = target.layer > source.layer or (target.kind == "mlp" and source.kind == "head" and target.layer == source.layer)
    if not later:
        raise HypothesisError(f"{claim}: {target} is not downstream of {source}; a path must go to a later layer's "
                              "head input, to an MLP after the source, or to 'logits'.")
