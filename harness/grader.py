"""Grade a hypothesis on its puzzle: test every claim, apply the solve criterion, compute the score.

Score = mean of four parts, each in [0, 1]:
  circuit   — share of the best circuit claim's checks passed (faithfulness, minimality, baseline);
  coverage  — share of that circuit's components explained by a passing role claim;
  claims    — share of all claims that pass;
  required  — share of the puzzle's required questions answered by a passing claim (1 if none).
The score is 1 exactly when the hypothesis solves the puzzle.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from .claims import CHECKS, CallFn, ClaimResult, Context
from .components import ComponentSpace, check_downstream
from .errors import SubmissionError
from .hypothesis import FUNCTION_FIELDS, check_claim_types, Hypothesis, HypothesisError, load_hypothesis
from .interventions import ABLATIONS, Edit, Intervener
from .metrics import row_metric, task_mask
from .puzzle import Puzzle, load_puzzle

CIRCUIT_CHECKS = ("circuit.faithfulness", "circuit.minimality", "circuit.baseline")


@dataclass
class GradeReport:
    puzzle: str
    version: int
    seed: int
    ablation: str
    n: int
    solved: bool
    score: float
    parts: dict[str, float]  # circuit, coverage, claims, required
    claims: list[ClaimResult]
    failures: list[str]  # why the hypothesis does not solve the puzzle, one sentence each
    unexplained: list[str] = field(default_factory=list)  # circuit components without a passing role claim
    error: str | None = None  # set when the hypothesis could not be graded at all
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data; NaN (a value that could not be computed) becomes None."""
        return _json_safe(asdict(self))


def _json_safe(value: Any) -> Any:
    if isinstance(value, float):
        return None if value != value or value in (float("inf"), float("-inf")) else value
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, (np.floating, np.integer)):
        return _json_safe(value.item())
    return value


def _in_process_caller(hypothesis: Hypothesis) -> CallFn:
    def call(index: int, attr: str, arrays: tuple[np.ndarray, ...]) -> np.ndarray:
        return np.asarray(getattr(hypothesis.claims[index], attr)(*[a.copy() for a in arrays]))
    return call


def validate(hypothesis: Hypothesis, puzzle: Puzzle, space: ComponentSpace) -> None:
    """Every name and position in the hypothesis must exist: fail before any model runs."""
    if hypothesis.puzzle != puzzle.name:
        raise HypothesisError(f"The hypothesis is for puzzle {hypothesis.puzzle!r}, but it is being graded on "
                              f"{puzzle.name!r}. Set Hypothesis(puzzle={puzzle.name!r}) or grade it on its own puzzle.")
    check_claim_types(hypothesis)
    for i, claim in enumerate(hypothesis.claims):
        for attr in ("components", "explains"):
            if isinstance(getattr(claim, attr, None), str):
                raise HypothesisError(f"Claim {i} ({claim.kind}) field `{attr}` is a string; give a list of component "
                                      f"names, e.g. [{getattr(claim, attr)!r}].")
        if claim.kind == "attention" and space.parse(claim.head).kind != "head":
            raise HypothesisError(f"Attention claim {i} names {claim.head!r}, which is not an attention head (e.g. L1H0).")
        names = {"circuit": lambda c: list(c.components), "attention": lambda c: [c.head],
                 "scrubbing": lambda c: [c.component], "path": lambda c: [c.source],
                 "algorithm": lambda c: list(c.explains), "interchange": lambda c: [c.component]}[claim.kind](claim)
        if claim.kind == "circuit" and not names:
            raise HypothesisError(f"Circuit claim {i} lists no components; name at least one.")
        for name in names:
            space.parse(name)
        if claim.kind == "path":
            check_downstream(space.parse(claim.source), space.parse_target(claim.target), f"Path claim {i}")
        if claim.kind == "attention" and claim.queries is not None:
            bad = [q for q in claim.queries if not 0 <= q < space.n_ctx]
            if bad:
                raise HypothesisError(f"Attention claim {i} has query positions {bad} outside 0..{space.n_ctx - 1}.")
        if claim.kind == "interchange" and puzzle.declaration.task.metric == "logit_diff":
            raise HypothesisError(f"Interchange claim {i}: interchange claims need per-position labels, which the "
                                  f"logit-difference task of {puzzle.name!r} does not have. Use a path or scrubbing claim.")


_SAMPLES: dict[tuple, tuple] = {}  # (model id, seed, ablation, n) -> clean runs reused across hypotheses
_SAMPLES_KEPT = 4


def _context(puzzle: Puzzle, space: ComponentSpace, tensors: dict[str, torch.Tensor], seed: int, ablation: str,
             call: CallFn, n: int) -> Context:
    """The grading context; clean activations and the all-ablated metric are computed once per sample."""
    key = (id(puzzle.model), puzzle.name, seed, ablation, n)
    cached = _SAMPLES.get(key)
    if cached is None or cached[0] is not puzzle.model:
        batch = {k: v[:n] for k, v in tensors.items()}
        source_batch = {k: v[n:] for k, v in tensors.items()}
        hooks = {c.hook for c in space.all()} | {f"blocks.{l}.attn.hook_pattern" for l in range(space.n_layers)}
        base = Intervener(puzzle.model, batch["tokens"], hooks, seed)
        source = Intervener(puzzle.model, source_batch["tokens"], hooks, seed + 1)
        cached = (puzzle.model, batch, source_batch, base, source, {})
        while len(_SAMPLES) >= _SAMPLES_KEPT:
            _SAMPLES.pop(next(iter(_SAMPLES)))
        _SAMPLES[key] = cached
    _, batch, source_batch, base, source, metrics = cached
    base.generator.manual_seed(seed)
    source.generator.manual_seed(seed + 1)
    metric = lambda logits, b: row_metric(puzzle.declaration.task, logits, b, puzzle.reference)  # noqa: E731
    ctx = Context(space=space, spec=puzzle.declaration.grading, ablation=ablation, base=base, source=source,
                  batch=batch, source_batch=source_batch, row_metric=metric,
                  task_mask=task_mask(puzzle.declaration.task, batch), call=call, rng=np.random.default_rng(seed))
    if not metrics:
        metrics["clean"] = ctx.metric(base.clean_logits)
        everything = [Edit(c, torch.ones(space.n_ctx, dtype=torch.bool), base.ablated(c, ablation)) for c in space.all()]
        metrics["empty"] = base.run([everything], ctx.metric)[0]
        base.generator.manual_seed(seed)
    ctx.m_clean, ctx.m_empty = metrics["clean"], metrics["empty"]
    return ctx


def _score(puzzle: Puzzle, results: list[ClaimResult], space: ComponentSpace) -> tuple[bool, float, dict, list[str], list[str]]:
    spec = puzzle.declaration.grading
    failures: list[str] = []
    circuits = [r for r in results if r.kind == "circuit"]
    best = max(circuits, key=lambda r: (3 - sum(f in r.failures for f in CIRCUIT_CHECKS), r.value), default=None)
    circuit_part = 0.0 if best is None else (3 - sum(f in best.failures for f in CIRCUIT_CHECKS)) / 3
    explained = {base for r in results if r.passed and r.kind != "circuit" for base in r.explains}
    unexplained: list[str] = []
    if best is None:
        failures.append("There is no circuit claim: name the components that do the task with Circuit([...]).")
        coverage_part = 0.0
    else:
        if not best.passed:
            failures.append(f"The circuit claim ({best.name}) fails: {best.message}")
        bases = sorted({space.parse(c).base for c in best.details["components"]})
        unexplained = [b for b in bases if b not in explained]
        coverage_part = 1 - len(unexplained) / len(bases)
        if unexplained:
            failures.append(f"No passing role claim explains {', '.join(unexplained)}: add an attention, scrubbing, path, "
                            "algorithm or interchange claim about each.")
    failing = [r for r in results if not r.passed]
    failures += [f"Claim {r.index} ({r.kind}, {r.name}) fails: {r.message}" for r in failing if r is not best]
    claims_part = (len(results) - len(failing)) / len(results) if results else 0.0
    answered = 0
    for question in spec.required:
        ok = any(r.passed and r.kind in question.kinds and question.component in r.explains for r in results)
        answered += ok
        if not ok:
            failures.append(f"Required question unanswered: {question.question} (a passing {' / '.join(question.kinds)} "
                            f"claim about {question.component}).")
    # with no required questions the part is earned by having any passing claim, so an empty hypothesis scores 0
    required_part = answered / len(spec.required) if spec.required else float(len(failing) < len(results))
    parts = {"circuit": circuit_part, "coverage": coverage_part, "claims": claims_part, "required": required_part}
    score = float(np.mean(list(parts.values())))
    solved = not failures and score == 1.0
    return solved, (1.0 if solved else min(score, 0.999)), parts, failures, unexplained


def grade(hypothesis: Hypothesis | Path | str, *, puzzle: Puzzle | None = None, seed: int | None = None,
          ablation: str | None = None, checkpoint: Path | str | None = None, call: CallFn | None = None,
          n: int | None = None) -> GradeReport:
    """Test every claim of `hypothesis` on its puzzle's model; raises HypothesisError for a malformed hypothesis."""
    start = time.perf_counter()
    if not isinstance(hypothesis, Hypothesis):
        hypothesis = load_hypothesis(hypothesis)
    if puzzle is None:
        from .puzzle import list_puzzles

        if hypothesis.puzzle not in list_puzzles():
            raise HypothesisError(f"The hypothesis names puzzle {hypothesis.puzzle!r}, which does not exist. "
                                  f"Known puzzles: {', '.join(list_puzzles())}.")
        puzzle = load_puzzle(hypothesis.puzzle, checkpoint=checkpoint)
    spec = puzzle.declaration.grading
    ablation = ablation or spec.ablation
    if ablation not in ABLATIONS:
        raise HypothesisError(f"Unknown ablation {ablation!r}; use one of {', '.join(ABLATIONS)}.")
    seed = spec.seed if seed is None else seed
    lo, hi = puzzle.declaration.data.eval_seeds
    if not lo <= seed <= hi:
        raise HypothesisError(f"Grading seed {seed} is outside the puzzle's evaluation seeds [{lo}, {hi}]; "
                              "training and dev data use the other seeds.")
    n = spec.n if n is None else n
    tensors = puzzle.tensors(puzzle.generate(2 * n, seed))  # first half graded, second half the sources
    space = ComponentSpace(puzzle.declaration, puzzle.model, tensors["tokens"].shape[1])
    validate(hypothesis, puzzle, space)
    ctx = _context(puzzle, space, tensors, seed, ablation, call or _in_process_caller(hypothesis), n)
    results = []
    for index, claim in enumerate(hypothesis.claims):
        try:
            results.append(CHECKS[claim.kind](ctx, index, claim))
        except (HypothesisError, SubmissionError):
            raise
        except Exception as exc:  # noqa: BLE001 - a solver's function failed on the grader's inputs
            fields = FUNCTION_FIELDS.get(claim.kind, ())
            results.append(ClaimResult(index, claim.kind, claim.name, False, float("nan"), float("nan"),
                                       (float("nan"), float("nan")), n, None, [], [f"{claim.kind}.error"],
                                       f"evaluating its {'/'.join(fields) or 'claim'} raised "
                                       f"{exc.__class__.__name__}: {exc}"))
    solved, score, parts, failures, unexplained = _score(puzzle, results, space)
    return GradeReport(puzzle.name, puzzle.version, seed, ablation, n, solved, score, parts, results, failures,
                       unexplained, None, time.perf_counter() - start)
