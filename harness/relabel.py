"""Relabelling: the same mechanism, its parts located in another checkpoint's weights.

A reference names the parts of the one checkpoint it was written for: head L0H0, frequencies 42 and 23, position 3.
A model retrained with another seed may do the same thing with other parts (the heads swapped, other frequencies
grokked), so "the reference fails there" says the labels are seed-specific, not that the mechanism is. A hypothesis
module may therefore define, beside `hypothesis`, the rule that locates its parts from a checkpoint's weights:

    def relabel(weights: dict[str, np.ndarray]) -> Hypothesis: ...

`weights` is the model's state dict as numpy arrays (`embed.weight`, `blocks.0.attn.q.weight`, ...). The rule reads
weights only, never runs the model or the grader, so it cannot pick labels by trying them; every relabelled claim is
then graded like any other, on the grading sample. `interp-puzzles universality` grades the relabelled hypothesis on
every retrained seed beside the hypothesis as named. Two checks keep a rule to relabelling:

- on the shipped checkpoint it gives the module's own `hypothesis` (every component, head, position and target the
  same, every basis spanning the same subspace; names and descriptions may differ): the rule is the one the
  reference's labels came from, not a second, looser claim;
- on any checkpoint it keeps the claims, their number and kinds in order: it may move a claim, not drop or add one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np

from .errors import HypothesisError
from .hypothesis import Hypothesis, check_claim_types, hypothesis_of, import_module, wire_fields

Rule = Callable[[dict[str, np.ndarray]], Hypothesis]
SPAN_TOLERANCE = 1e-3  # largest entry of the difference of two bases' orthogonal projectors still "the same span"


def load(path: Path | str) -> tuple[Hypothesis, Rule | None]:
    """A hypothesis file's `hypothesis` and its `relabel` rule (None where it defines none), imported once."""
    module = import_module(path)
    rule = getattr(module, "relabel", None)
    if rule is not None and not callable(rule):
        raise HypothesisError(f"{path}: `relabel` is not a function. Define `def relabel(weights) -> Hypothesis` "
                              "or remove it.")
    return hypothesis_of(module, path), rule


def weights_of(model) -> dict[str, np.ndarray]:
    """A model's state dict as numpy arrays (what a rule reads)."""
    return {name: value.detach().cpu().numpy().copy() for name, value in model.state_dict().items()}


def relabelled(path: Path | str, rule: Rule, hypothesis: Hypothesis, weights: dict[str, np.ndarray]) \
        -> tuple[Hypothesis, list[str]]:
    """The rule's hypothesis for `weights`, checked to keep `hypothesis`'s claims, and what it changed (one line per
    changed field)."""
    try:
        moved = rule(weights)
    except Exception as exc:  # noqa: BLE001 - the rule is the module author's code
        raise HypothesisError(f"{path}: relabel(weights) raised {exc.__class__.__name__}: {exc}. Fix the rule.") \
            from exc
    if not isinstance(moved, Hypothesis):
        raise HypothesisError(f"{path}: relabel(weights) returned {type(moved).__name__}, not a Hypothesis. "
                              "Return Hypothesis(...) with the same claims, relabelled.")
    check_claim_types(moved, f"{path}: relabel(weights): ")
    kinds, moved_kinds = [c.kind for c in hypothesis.claims], [c.kind for c in moved.claims]
    if moved.puzzle != hypothesis.puzzle or moved_kinds != kinds:
        raise HypothesisError(f"{path}: relabel(weights) must keep the claims of `hypothesis` in order "
                              f"({', '.join(kinds)} for puzzle {hypothesis.puzzle}) and gave "
                              f"{', '.join(moved_kinds) or 'none'} for puzzle {moved.puzzle}. Relabel them; do not "
                              "drop, add or reorder claims.")
    return moved, differences(hypothesis, moved)


def check_shipped(path: Path | str, rule: Rule, hypothesis: Hypothesis, weights: dict[str, np.ndarray]) -> None:
    """Raise unless the rule, on the shipped checkpoint's `weights`, gives `hypothesis` itself."""
    _, changed = relabelled(path, rule, hypothesis, weights)
    if changed:
        raise HypothesisError(f"{path}: relabel(the shipped checkpoint's weights) must give `hypothesis` itself, and "
                              f"it changes {'; '.join(changed)}. Make the rule reproduce the module's own labels "
                              "(or the labels follow the rule).")


def differences(before: Hypothesis, after: Hypothesis) -> list[str]:
    """'claim I FIELD: A -> B' for every labelled field that differs (text and functions are not labels)."""
    out = []
    for index, (a, b) in enumerate(zip(before.claims, after.claims)):
        for name, wire in wire_fields(a.kind).items():  # the non-function fields
            x, y = getattr(a, name), getattr(b, name)
            if wire == "text":
                continue
            if wire == "array":
                if not same_span(x, y):
                    out.append(f"claim {index} {name}: another span ({len(np.atleast_2d(y))} rows, was "
                               f"{len(np.atleast_2d(x))})")
            elif (sorted(x) != sorted(y)) if wire == "names" else (_plain(x) != _plain(y)):  # a list of names is a set
                out.append(f"claim {index} {name}: {_show(x)} -> {_show(y)}")
    return out


def same_span(a, b) -> bool:
    """Whether two bases (rows) span the same subspace (the grader orthonormalises a basis's rows)."""
    a, b = np.atleast_2d(np.asarray(a, dtype=np.float64)), np.atleast_2d(np.asarray(b, dtype=np.float64))
    if a.shape != b.shape:
        return False
    qa, qb = np.linalg.qr(a.T)[0], np.linalg.qr(b.T)[0]
    return bool(np.abs(qa @ qa.T - qb @ qb.T).max() <= SPAN_TOLERANCE)


def _plain(value):
    return list(value) if isinstance(value, (list, tuple, range)) else value


def _show(value) -> str:
    return ", ".join(map(str, value)) if isinstance(value, (list, tuple, range)) else str(value)
