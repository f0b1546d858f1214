"""Grade a hypothesis on its puzzle: test every claim, then all of them together, then apply the criterion."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..errors import SubmissionError
from ..hypothesis import FUNCTION_FIELDS, Hypothesis, HypothesisError, component_fields, wire_fields
from ..puzzle.components import ComponentSpace
from ..puzzle.metrics import task_mask
from ..wire import canonical
from . import CHECKS, joint
from .circuit import ablate_outside, keep_mask
from .context import CallFn, ClaimResult, Context, GradingSample, RowMetric, result
from .criterion import decide
from .sample import ABLATIONS, Sample
from .validation import validate
from .required import scope
from .visibility import grade_visible


@dataclass
class GradeReport:
    puzzle: str
    version: int
    seed: int
    ablation: str
    n: int
    solved: bool
    score: float
    parts: dict[str, float]  # the parts of the score that apply: circuit, coverage, claims, required
    claims: list[ClaimResult]
    failures: list[str]  # why the hypothesis does not solve the puzzle, one sentence each
    unexplained: list[str] = field(default_factory=list)  # circuit components without a passing role claim
    error: str | None = None  # set when the hypothesis could not be graded at all
    seconds: float = 0.0
    joint: ClaimResult | None = None  # all claims' interventions at once
    notes: list[str] = field(default_factory=list)  # vacuous claims: why each earns nothing
    exhaustive: bool = False  # graded on every input of the task (enumerable puzzles), not a sample
    description_bytes: int | None = None  # the module's description length (harness.description); None: not a file
    description_budget: int | None = None  # the puzzle's max_description_bytes

    @property
    def failed_checks(self) -> set[str]:
        """Every check that failed: each claim's (e.g. "path.only_through"), and "coverage", "required" and
        "description" for what the criterion found missing or over budget."""
        failed = {f for claim in self.claims for f in claim.failures}
        failed |= {"coverage"} if self.unexplained else set()
        failed |= {"required"} if any(f.startswith("Required question unanswered") for f in self.failures) else set()
        over = self.description_bytes is not None and self.description_bytes > (self.description_budget or 0)
        return failed | ({"description"} if over else set())

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data; NaN (a value that could not be computed) becomes None."""
        return _json_safe(asdict(self))

    def _repr_markdown_(self) -> str:
        """The report as a table in a notebook: each claim's verdict, value against threshold, and why."""
        def cell(text: Any) -> str:
            return str(text).replace("|", "\\|").replace("\n", " ")

        rows = "\n".join(f"| {c.index if c.index >= 0 else 'all'} | {c.kind} | {cell(c.name)} | **{c.verdict.upper()}** | "
                         f"{c.value:.3f} | {c.threshold} | {cell(c.message)} |"
                         for c in self.claims + ([self.joint] if self.joint is not None else []))
        rows_graded = f"every input ({self.n})" if self.exhaustive else f"n {self.n}"
        if self.description_bytes is not None:
            rows_graded += f" · description {self.description_bytes:,} of {self.description_budget:,} bytes"
        verdict = "SOLVED" if self.solved else "NOT SOLVED"
        parts = ", ".join(f"{k} {v:.2f}" for k, v in self.parts.items())
        why = "".join(f"\n- {cell(f)}" for f in self.failures + self.notes)
        return (f"**{self.puzzle}** v{self.version} · seed {self.seed} · {rows_graded} · ablation {self.ablation}\n\n"
                f"| # | kind | name | result | value | threshold | why |\n|---|---|---|---|---|---|---|\n{rows}\n\n"
                f"**{verdict}** · score {self.score:.3f} ({parts}){why}\n")


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


def sample_space(puzzle, seed: int, n: int) -> tuple[ComponentSpace, dict]:
    """The data of a grading sample (2n fresh rows) and the component space it implies; runs no model.

    On an exhaustive puzzle with n = the number of inputs, the graded rows are every input and the sources the
    same inputs, each in an order drawn with `seed` (so the first rows, which cheap screening runs use, are a
    random sample, not the start of the enumeration)."""
    if exhaustive_n(puzzle) == n:
        every = puzzle.tensors(puzzle.inputs)
        generator = torch.Generator().manual_seed(seed)
        graded, sources = torch.randperm(n, generator=generator), torch.randperm(n, generator=generator)
        tensors = {k: torch.cat([v[graded], v[sources]]) for k, v in every.items()}
    else:
        tensors = puzzle.batch(2 * n, seed)
    return ComponentSpace(puzzle.declaration, puzzle.model, tensors["tokens"].shape[1]), tensors


def exhaustive_n(puzzle) -> int | None:
    """The number of inputs of a puzzle that enumerates them (graded on all of them by default), else None."""
    return len(puzzle.inputs) if getattr(puzzle, "exhaustive", False) else None


def prepare_sample(puzzle, seed: int, n: int, data: tuple[ComponentSpace, dict] | None = None) -> GradingSample:
    """The grading sample of `puzzle` for (seed, n): 2n fresh rows, the first n graded, the rest sources."""
    from ..puzzle.models import build_model

    space, tensors = data or sample_space(puzzle, seed, n)
    batch = {k: v[:n] for k, v in tensors.items()}
    source_batch = {k: v[n:] for k, v in tensors.items()}
    hooks = {c.hook for c in space.all()} | {f"blocks.{l}.attn.hook_pattern" for l in range(space.n_layers)
                                             if space.n_heads}
    task = puzzle.declaration.task
    reference = puzzle.reference
    null: list = []

    def null_model():
        if not null:
            null.append(build_model(puzzle.declaration, seed=seed).eval())
        return null[0]

    counted = task_mask(task, batch)
    return GradingSample(space=space, batch=batch, source_batch=source_batch,
                         base=Sample(puzzle.model, batch["tokens"], hooks, read=counted.any(0)),
                         source=Sample(puzzle.model, source_batch["tokens"], hooks),
                         task_mask=counted,
                         metric_rows=lambda k: RowMetric(task, batch, reference, 0, k),
                         seed=seed, null_model=null_model)


def claim_content(claim, space: ComponentSpace) -> dict:
    """What identifies a claim for its random generator: what it claims, never how it is written. Its kind, the
    units (component, position) it names as a sorted set, its targets and its extra queries — not its free-text
    name, the spelling of its components (`L1H0[2:4]` = `L1H0[2,3]`), or the floats of a basis, so that renaming or
    re-spelling a claim cannot re-roll its sample of random circuits, sources and bootstrap resamples."""
    def units(names) -> list[str]:
        out = set()
        for name in [names] if isinstance(names, str) else list(names):
            try:
                c = space.parse(name)
            except HypothesisError:
                return sorted(map(str, [names] if isinstance(names, str) else names))  # validate() says why
            positions = range(space.n_ctx) if c.positions is None else c.positions
            out |= {f"{c.base}[{p}]" for p in positions}
        return sorted(out)

    roles = dict.fromkeys(component_fields(claim.kind), "component")
    content: dict[str, Any] = {"kind": claim.kind}
    for name, wire in wire_fields(claim.kind).items():
        value = getattr(claim, name)
        if name == "name" or wire == "array":
            continue
        if roles.get(name) == "component":
            content[name] = units(value)
        elif wire == "positions":
            content[name] = None if value is None else sorted({int(v) for v in value})
        else:
            content[name] = value
    return content


def grade(hypothesis: Hypothesis | Path | str, *, puzzle=None, seed: int | None = None, ablation: str | None = None,
          checkpoint: Path | str | None = None, call: CallFn | None = None, n: int | None = None,
          sample: GradingSample | None = None, device: str | torch.device | None = None,
          sandbox: dict[str, Any] | None = None, description_bytes: int | None = None) -> GradeReport:
    """Test every claim of `hypothesis` on its puzzle's model; raises HypothesisError for a malformed hypothesis.

    A hypothesis given as a file is graded as the leaderboard grades it: its module runs in an isolated worker
    (harness.sandbox; `sandbox` passes limits to IsolatedSubmission) with no access to the model, and its description
    length counts against the puzzle's budget (harness.description). A Hypothesis object (a notebook's) runs in this
    process and its description length is not measured: the report says so.
    sample: a GradingSample from prepare_sample(puzzle, seed, n), to reuse clean runs across hypotheses.
    device: run the forward passes there (e.g. "cuda"); a given `puzzle` is moved there. Values equal the CPU's up
        to floating-point summation order.
    """
    if not isinstance(hypothesis, Hypothesis):
        return _grade_file(Path(hypothesis), sandbox or {}, puzzle=puzzle, seed=seed, ablation=ablation,
                           checkpoint=checkpoint, n=n, sample=sample, device=device)
    start = time.perf_counter()
    # one validation path for every hypothesis: rebuilt from its wire form, as the leaderboard's workers send it
    hypothesis = canonical(hypothesis)
    if puzzle is None:
        from ..puzzle import list_puzzles, load_puzzle

        if hypothesis.puzzle not in list_puzzles():
            raise HypothesisError(f"The hypothesis names puzzle {hypothesis.puzzle!r}, which does not exist. "
                                  f"Known puzzles: {', '.join(list_puzzles())}.")
        puzzle = load_puzzle(hypothesis.puzzle, checkpoint=checkpoint, device=device)
    elif device is not None:
        puzzle.to(device)
    spec = puzzle.declaration.grading
    ablation = ablation or spec.ablation
    if ablation not in ABLATIONS:
        raise HypothesisError(f"Unknown ablation {ablation!r}; use one of {', '.join(ABLATIONS)}.")
    seed = spec.seed if seed is None else seed
    lo, hi = puzzle.declaration.data.eval_seeds
    if not lo <= seed <= hi:
        raise HypothesisError(f"Grading seed {seed} is outside the puzzle's evaluation seeds [{lo}, {hi}]; "
                              "training and dev data use the other seeds.")
    n = (exhaustive_n(puzzle) or spec.n) if n is None else n
    if sample is None or sample.seed != seed or sample.n != n or sample.base.model is not puzzle.model:
        data = sample_space(puzzle, seed, n)
        validate(hypothesis, puzzle, data[0])  # before any model runs
        sample = prepare_sample(puzzle, seed, n, data)
    else:
        validate(hypothesis, puzzle, sample.space)
    ctx = Context(sample=sample, spec=spec, ablation=ablation, call=call or _in_process_caller(hypothesis),
                  task_metric=puzzle.declaration.task.metric, d_vocab_out=int(sample.base.clean_logits.shape[-1]))
    results: list[ClaimResult] = []
    claim_edits = ctx.offered
    for index, claim in enumerate(hypothesis.claims):
        content = claim_content(claim, sample.space)
        claim_ctx = ctx.for_claim(content)
        try:
            results.append(grade_visible(CHECKS[claim.kind], ctx, content, index, claim))
            results[-1].details["scope"] = scope(claim, results[-1], sample.space)
        except (HypothesisError, SubmissionError):
            raise
        except Exception as exc:  # noqa: BLE001 - a solver's function failed on the grader's inputs
            fields = FUNCTION_FIELDS.get(claim.kind, ())
            results.append(result(claim_ctx, index, claim.kind, claim.name, float("nan"), float("nan"),
                                  [f"{claim.kind}.error"], f"evaluating its {'/'.join(fields) or 'claim'} raised "
                                  f"{exc.__class__.__name__}: {exc}"))
    circuits = [r for r in results if r.kind == "circuit"]
    best = max(circuits, key=lambda r: (-len(r.failures), r.value if np.isfinite(r.value) else -np.inf), default=None)
    joint_result = None
    if spec.circuit or claim_edits:
        joint_ctx = ctx.for_claim({"kind": "joint"})
        circuit_edits = []
        if best is not None:
            comps = [sample.space.parse(c) for c in best.details["components"]]
            circuit_edits = ablate_outside(joint_ctx, keep_mask(sample.space, comps))
        joint_result = joint.check(joint_ctx, circuit_edits, claim_edits, results)
    solved, score, parts, failures, unexplained, notes = decide(spec, results, joint_result, best, description_bytes)
    if description_bytes is None:
        notes.append("Graded in this process from a Hypothesis object: its description length was not measured and "
                     "its functions could reach the model. Grade the module's file (`interp-puzzles grade FILE`, or "
                     "grade(path)) for the verdict the leaderboard gives.")
    return GradeReport(puzzle.name, puzzle.version, seed, ablation, n, solved, score, parts, results, failures,
                       unexplained, None, time.perf_counter() - start, joint_result, notes, exhaustive_n(puzzle) == n,
                       description_bytes, spec.max_description_bytes)


def _grade_file(path: Path, sandbox: dict[str, Any], **kwargs: Any) -> GradeReport:
    """grade() a hypothesis module: measured here, run in an isolated worker; SubmissionError when the worker fails."""
    from ..description import description_bytes, read_source
    from ..sandbox.client import IsolatedSubmission

    start = time.perf_counter()
    if not path.is_file():
        raise HypothesisError(f"{path}: no such hypothesis file. Pass the path of a .py module that defines `hypothesis`.")
    size = description_bytes(read_source(path), path)
    with IsolatedSubmission(path, **sandbox) as submission:
        report = grade(submission.hypothesis(), call=submission.call, description_bytes=size, **kwargs)
        if submission.failure is not None:  # in case a grader swallowed it: a failed worker is never a score
            raise submission.failure
    report.seconds = time.perf_counter() - start
    return report
