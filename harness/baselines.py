"""Baselines graded beside every submission: trivial hypotheses that must never solve a puzzle.

If one does, the puzzle's thresholds are wrong. They are built by the harness (trusted code), so they
are graded in-process.
"""

from __future__ import annotations

import numpy as np
import torch

from .components import ComponentSpace
from .hypothesis import Circuit, Hypothesis
from .interventions import Edit
from .puzzle import Puzzle

BASELINES = {
    "baseline-empty": "Baseline: empty hypothesis",
    "baseline-whole-model": "Baseline: whole model as the circuit",
    "baseline-random-circuit": "Baseline: random circuit of the reference's size",
    "baseline-ablation-finder": "Baseline: automated ablation circuit finder",
}


def _space(puzzle: Puzzle, seed: int, n: int) -> tuple[ComponentSpace, dict[str, torch.Tensor]]:
    tensors = puzzle.tensors(puzzle.generate(2 * n, seed))
    return ComponentSpace(puzzle.declaration, puzzle.model, tensors["tokens"].shape[1]), tensors


def ablation_finder_circuit(puzzle: Puzzle, seed: int) -> list[str]:
    """Keep every component whose ablation alone costs at least δ of the metric (activation patching)."""
    from .grader import _context

    spec = puzzle.declaration.grading
    space, tensors = _space(puzzle, seed, spec.n)
    ctx = _context(puzzle, space, tensors, seed, spec.ablation, call=None, n=spec.n)
    everything = torch.ones(space.n_ctx, dtype=torch.bool)
    components = space.all()
    variants = [[Edit(c, everything, ctx.base.ablated(c, spec.ablation))] for c in components]
    clean, empty = ctx.m_clean.double().mean(), ctx.m_empty.double().mean()
    drops = [float((clean - m.double().mean()) / (clean - empty)) for m in ctx.base.run(variants, ctx.metric)]
    kept = [str(c) for c, d in zip(components, drops) if d >= spec.delta]
    return kept or [str(components[int(np.argmax(drops))])]


def random_circuit(puzzle: Puzzle, seed: int, size: int) -> list[str]:
    """`size` (component, position) units drawn uniformly, written as component names with positions."""
    space, _ = _space(puzzle, seed, 1)
    units = [(c.base, p) for c in space.all() for p in range(space.n_ctx)]
    chosen = np.random.default_rng(seed).choice(len(units), size=min(size, len(units)), replace=False)
    by_base: dict[str, list[int]] = {}
    for u in sorted(chosen):
        by_base.setdefault(units[u][0], []).append(units[u][1])
    return [f"{base}[{','.join(map(str, sorted(ps)))}]" for base, ps in by_base.items()]


def baseline_hypothesis(kind: str, puzzle: Puzzle, seed: int, reference_size: int | None) -> Hypothesis | None:
    """The baseline's hypothesis for this puzzle, or None when it cannot be built (no reference to size it)."""
    name = puzzle.name
    if kind == "baseline-empty":
        return Hypothesis(puzzle=name, claims=[])
    if kind == "baseline-whole-model":
        space, _ = _space(puzzle, seed, 1)
        return Hypothesis(puzzle=name, claims=[Circuit([str(c) for c in space.all()], name="whole model")])
    if kind == "baseline-random-circuit":
        if not reference_size:
            return None
        return Hypothesis(puzzle=name, claims=[Circuit(random_circuit(puzzle, seed, reference_size), name="random")])
    if kind == "baseline-ablation-finder":
        return Hypothesis(puzzle=name, claims=[Circuit(ablation_finder_circuit(puzzle, seed), name="ablation finder")])
    raise ValueError(f"Unknown baseline {kind!r}; known: {', '.join(BASELINES)}.")
