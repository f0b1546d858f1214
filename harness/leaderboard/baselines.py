"""Baselines graded beside every submission: trivial hypotheses that must never solve a puzzle.

If one does, the puzzle's thresholds are wrong. They are built by the harness (trusted code), so they
are graded in-process.
"""

from __future__ import annotations

import numpy as np
import torch

from ..hypothesis import Algorithm, Circuit, Hypothesis, Interchange, PathClaim, Scrubbing
from ..puzzle import Puzzle
from ..puzzle.components import ComponentSpace

BASELINES = {
    "baseline-empty": "Baseline: empty hypothesis",
    "baseline-whole-model": "Baseline: whole model as the circuit",
    "baseline-random-circuit": "Baseline: random circuit of the reference's size",
    "baseline-ablation-finder": "Baseline: automated ablation circuit finder",
    "baseline-finder-label": "Baseline: ablation finder + the model's own outputs as an algorithm",
    "baseline-finder-tautologies": "Baseline: ablation finder + tautological claims",
}


def _space(puzzle: Puzzle, seed: int) -> ComponentSpace:
    """The puzzle's components (the grader's, from a two-row sample)."""
    from ..grading.grader import sample_space

    return sample_space(puzzle, seed, 1)[0]


def ablation_finder_circuit(puzzle: Puzzle, seed: int) -> list[str]:
    """Keep every component whose ablation alone costs at least δ of the metric (activation patching)."""
    from ..grading import prepare_sample
    from ..grading.edits import Replace

    spec = puzzle.declaration.grading
    sample = prepare_sample(puzzle, seed, spec.n)
    gen = torch.Generator().manual_seed(seed)
    everything = torch.ones(sample.space.n_ctx, dtype=torch.bool)
    components = sample.space.all()
    variants = [[Replace(c, everything, sample.base.ablated(c, spec.ablation, gen))] for c in components]
    clean, empty = sample.m_clean.double().mean(), sample.m_empty(spec.ablation).double().mean()
    drops = [float((clean - m.double().mean()) / (clean - empty)) for m in sample.base.run(variants, sample.metric)]
    kept = [str(c) for c, d in zip(components, drops) if d >= spec.delta]
    return kept or [str(components[int(np.argmax(drops))])]


def _model_outputs(puzzle: Puzzle):
    """predict(tokens) = the model's own top tokens: the strongest behavioural claim there is."""
    def predict(tokens: np.ndarray) -> np.ndarray:
        return puzzle.logits(torch.from_numpy(tokens)).argmax(-1).numpy()
    return predict


def _model_outputs_cf(puzzle: Puzzle):
    """predict(base, source tokens) = the model's top tokens on the source (patching the input swaps it)."""
    def predict(base: np.ndarray, source_tokens: np.ndarray) -> np.ndarray:
        return puzzle.logits(torch.from_numpy(np.ascontiguousarray(source_tokens))).argmax(-1).numpy()
    return predict


def random_circuit(puzzle: Puzzle, seed: int, size: int) -> list[str]:
    """`size` (component, position) units drawn uniformly, written as component names with positions."""
    space = _space(puzzle, seed)
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
        space = _space(puzzle, seed)
        return Hypothesis(puzzle=name, claims=[Circuit([str(c) for c in space.all()], name="whole model")])
    if kind == "baseline-random-circuit":
        if not reference_size:
            return None
        return Hypothesis(puzzle=name, claims=[Circuit(random_circuit(puzzle, seed, reference_size), name="random")])
    if kind == "baseline-ablation-finder":
        return Hypothesis(puzzle=name, claims=[Circuit(ablation_finder_circuit(puzzle, seed), name="ablation finder")])
    if kind in ("baseline-finder-label", "baseline-finder-tautologies"):
        circuit = ablation_finder_circuit(puzzle, seed)
        bases = sorted({c.split("[")[0] for c in circuit})
        claims = [Circuit(circuit, name="ablation finder")]
        if kind == "baseline-finder-label":
            claims.append(Algorithm(_model_outputs(puzzle), explains=bases, name="the model's own top tokens"))
        else:
            space = _space(puzzle, seed)
            claims += [Scrubbing("embed", lambda tokens: tokens, name="embedding depends on the token")]
            if space.has_pos_embed:
                claims.append(Scrubbing("pos_embed", lambda tokens: np.broadcast_to(np.arange(tokens.shape[1]),
                                                                                   tokens.shape).copy(), name="position"))
            if space.n_layers:
                last = [f"L{space.n_layers - 1}H{h}" for h in range(space.n_heads)]
                claims += [PathClaim(h, "logits", name="last layer writes the logits") for h in last
                           if space.attn_only]
                if puzzle.declaration.task.metric != "logit_diff":  # interchange needs labels to compare with
                    claims.append(Interchange("embed", lambda tokens: tokens, _model_outputs_cf(puzzle),
                                              name="patching the input changes the output"))
        return Hypothesis(puzzle=name, claims=claims)
    raise ValueError(f"Unknown baseline {kind!r}; known: {', '.join(BASELINES)}.")
