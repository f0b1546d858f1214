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
  same, every basis spanning the same subspace, every subspace's features spanning the same functions of the input
  on the puzzle's dev sample; names and descriptions may differ): the rule is the one the reference's labels came
  from, not a second, looser claim;
- on any checkpoint it keeps the claims, their number and kinds in order: it may move a claim, not drop or add one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np

from .errors import HypothesisError
from .hypothesis import Hypothesis, check_claim_types, hypothesis_of, import_module, span_fields, wire_fields

Rule = Callable[[dict[str, np.ndarray]], Hypothesis]
SPAN_TOLERANCE = 1e-3  # largest entry of the difference of two bases' orthogonal projectors still "the same span"
Probe = Callable[[], np.ndarray]  # the tokens [batch, pos] on which two claims' features are compared


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
    return moved, differences(hypothesis, moved, lambda: probe_tokens(hypothesis.puzzle))


def check_shipped(path: Path | str, rule: Rule, hypothesis: Hypothesis, weights: dict[str, np.ndarray]) -> None:
    """Raise unless the rule, on the shipped checkpoint's `weights`, gives `hypothesis` itself."""
    _, changed = relabelled(path, rule, hypothesis, weights)
    if changed:
        raise HypothesisError(f"{path}: relabel(the shipped checkpoint's weights) must give `hypothesis` itself, and "
                              f"it changes {'; '.join(changed)}. Make the rule reproduce the module's own labels "
                              "(or the labels follow the rule).")


def differences(before: Hypothesis, after: Hypothesis, probe: Probe | None = None) -> list[str]:
    """'claim I FIELD: A -> B' for every labelled field that differs (text and functions are not labels, except a
    subspace's features, compared by the span of their values on `probe()`: the span the grader would fit)."""
    out = []
    for index, (a, b) in enumerate(zip(before.claims, after.claims)):
        for name, wire in wire_fields(a.kind).items():  # the non-function fields
            x, y = getattr(a, name), getattr(b, name)
            if wire == "text" or name in span_fields(a.kind):
                continue
            if (sorted(x) != sorted(y)) if wire == "names" else (_plain(x) != _plain(y)):  # a list of names is a set
                out.append(f"claim {index} {name}: {_show(x)} -> {_show(y)}")
        for name in span_fields(a.kind):
            x, y = getattr(a, name), getattr(b, name)
            if (x is None) != (y is None):
                out.append(f"claim {index} {name}: {_given(x)} -> {_given(y)}")
            elif x is not None and not same_span(rows_x := _rows(x, probe), rows_y := _rows(y, probe)):
                unit = "features" if callable(y) else "rows"
                out.append(f"claim {index} {name}: another span ({len(rows_y)} {unit}, was {len(rows_x)})")
    return out


def _rows(span, probe: Probe | None) -> np.ndarray:
    """A basis's rows; or features' values on the probe's units, centred, one row per feature (their span over the
    units, with the constant, is what the grader's least-squares fit sees)."""
    if not callable(span):
        return np.atleast_2d(np.asarray(span, dtype=np.float64))
    if probe is None:
        raise ValueError("comparing features needs a probe input")
    values = np.asarray(span(probe()), dtype=np.float64)
    values = values.reshape(-1, values.shape[-1])
    return (values - values.mean(0)).T


def _given(value) -> str:
    return "none" if value is None else "given"


def probe_tokens(puzzle: str) -> np.ndarray:
    """The tokens of the puzzle's public dev sample, on which two features functions are compared."""
    from .puzzle.data import call_generator, columns_of
    from .puzzle.registry import load_declaration_by_name

    decl = load_declaration_by_name(puzzle)
    columns = columns_of(decl, call_generator(decl, decl.data.dev_size, decl.data.dev_seed, "eval"))
    if "tokens" not in columns:
        raise HypothesisError(f"{puzzle}'s dev sample has no tokens column, so two subspaces' features cannot be "
                              "compared on it; give the subspace as a basis.")
    return columns["tokens"]


def same_span(a, b) -> bool:
    """Whether two sets of rows span the same subspace (each reduced to its rank, as the grader reduces a basis)."""
    from .grading.subspace import row_space

    qa, qb = row_space(np.atleast_2d(a)), row_space(np.atleast_2d(b))
    return qa.shape == qb.shape and bool(np.abs(qa.T @ qa - qb.T @ qb).max() <= SPAN_TOLERANCE)


def _plain(value):
    return list(value) if isinstance(value, (list, tuple, range)) else value


def _show(value) -> str:
    return ", ".join(map(str, value)) if isinstance(value, (list, tuple, range)) else str(value)
