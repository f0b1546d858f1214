"""What a claim check receives (Context) and returns (ClaimResult), and the grading sample it runs on.

A GradingSample is prepared once per (puzzle, seed, n) by the caller and may be reused across hypotheses.
Each claim gets its own random generators, derived from the grading seed and the claim's content, so
adding or reordering claims never changes another claim's value.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from typing import Any, Callable

import numpy as np
import torch

from ..puzzle.components import Component, ComponentSpace
from ..puzzle.declaration import GradingSpec
from ..puzzle.metrics import row_metric
from .edits import Replace
from .sample import ABLATIONS, Sample

CallFn = Callable[[int, str, tuple[np.ndarray, ...]], np.ndarray]  # (claim index, field, arrays) -> array


@dataclass
class ClaimResult:
    index: int  # position of the claim in the hypothesis
    kind: str  # circuit | attention | scrubbing | path | algorithm | interchange | subspace | joint
    name: str
    passed: bool
    value: float  # the graded quantity
    threshold: float  # the puzzle's threshold for it
    ci: tuple[float, float]  # 95% bootstrap interval of value
    n: int  # rows in the grading sample
    ablation: str | None  # ablation used, where one is
    explains: list[str]  # base components this claim accounts for (only when it passes and is not vacuous)
    failures: list[str] = field(default_factory=list)  # failed checks, e.g. "circuit.minimality"
    message: str = ""  # what passed or failed, why, and what to try next
    details: dict[str, Any] = field(default_factory=dict)
    verdict: str = "fail"  # pass | fail | vacuous (true of any model, or cannot fail here: earns nothing)


@dataclass
class GradingSample:
    """Two samples of one puzzle (graded rows and resampling/interchange sources) with their clean runs."""

    space: ComponentSpace
    batch: dict[str, torch.Tensor]
    source_batch: dict[str, torch.Tensor]
    base: Sample
    source: Sample
    task_mask: torch.Tensor  # bool [rows, pos]: the positions whose predictions the task counts
    metric_rows: Callable[[int], "RowMetric"]  # k -> per-row metric of the first k rows' logits
    seed: int
    null_model: Callable[[], torch.nn.Module]  # an untrained model of the same architecture (built on first use)
    metric: Callable[[torch.Tensor], torch.Tensor] = field(init=False)  # metric_rows(n): the graded rows' metric
    m_clean: torch.Tensor = field(init=False)
    _empty: dict[str, torch.Tensor] = field(default_factory=dict)
    memo: dict[str, Any] = field(default_factory=dict)  # what checks derive from the clean run once (e.g. its answers)

    def __post_init__(self) -> None:
        self.metric = self.metric_rows(self.n)
        self.m_clean = self.metric(self.base.clean_logits)

    @property
    def n(self) -> int:
        return len(self.base)

    def m_empty(self, ablation: str) -> torch.Tensor:
        """Per-row metric with every component ablated."""
        if ablation not in self._empty:
            gen = torch.Generator().manual_seed(self.seed)
            everything = torch.ones(self.space.n_ctx, dtype=torch.bool)
            edits = [Replace(c, everything, self.base.ablated(c, ablation, gen)) for c in self.space.all()]
            self._empty[ablation] = self.base.run([edits], self.metric)[0]
        return self._empty[ablation]


@dataclass(frozen=True)
class RowMetric:
    """The task metric per row of some graded rows' logits (higher = better). It is computed row by row, so a pass
    split into row blocks reduces each block as it comes (`rows`) instead of concatenating the blocks' logits."""

    task: Any  # the puzzle's TaskSpec
    batch: dict[str, torch.Tensor]  # the graded rows' tensors (tokens, targets, answers...)
    reference: Callable | None  # the puzzle's reference distribution, for kl_to_reference
    start: int = 0  # this metric's first row in `batch`
    stop: int | None = None  # one past its last (None: to the end)

    def __call__(self, logits: torch.Tensor) -> torch.Tensor:
        rows = slice(self.start, self.stop)
        return row_metric(self.task, logits, {name: value[rows] for name, value in self.batch.items()}, self.reference)

    def rows(self, part: slice) -> "RowMetric":
        """The metric of rows `part` of this metric's rows (positions relative to its first row)."""
        end = self.start + part.stop if self.stop is None else min(self.stop, self.start + part.stop)
        return replace(self, start=self.start + part.start, stop=end)


def content_seed(seed: int, content: Any) -> int:
    text = json.dumps(content, sort_keys=True, default=str)
    return int.from_bytes(hashlib.sha256(f"{seed}:{text}".encode()).digest()[:8], "little")


@dataclass
class Context:
    """Everything one claim check needs."""

    sample: GradingSample
    spec: GradingSpec
    ablation: str  # the puzzle's default (or the --ablation chosen)
    call: CallFn
    task_metric: str  # cross_entropy | kl_to_reference | logit_diff
    d_vocab_out: int
    rng: np.random.Generator = None
    generator: torch.Generator = None
    offered: dict[int, list] = field(default_factory=dict)  # claim index -> its edits, for the joint test
    # edits every run applies first, e.g. a component's redundant partners ablated (harness.grading.visibility); the
    # model they leave is then the claim's baseline: m_clean() and top1_rows() are measured against it
    background: tuple = ()
    _baseline: dict = field(default_factory=dict, repr=False)

    def offer(self, index: int, edits: list) -> None:
        """Record the intervention this claim stands for; the joint test applies those of passing claims."""
        self.offered[index] = list(edits)

    def within(self, edits: list) -> "Context":
        """This context with `edits` applied in every run (and the model they leave as the baseline)."""
        return replace(self, background=tuple(edits), _baseline={})

    def _background_run(self) -> dict[str, np.ndarray]:
        if not self._baseline:
            (both,) = self.base.run([list(self.background)], _MetricAndTop1(self.metric))
            self._baseline.update(metric=to_np(both[:, 0]), top1=both[:, 1:].long().numpy())
        return self._baseline

    def for_claim(self, content: Any) -> "Context":
        s = content_seed(self.sample.seed, content)
        return replace(self, rng=np.random.default_rng(s), generator=torch.Generator().manual_seed(s % (2**63)))

    # shortcuts
    @property
    def space(self) -> ComponentSpace:
        return self.sample.space

    @property
    def base(self) -> Sample:
        return self.sample.base

    @property
    def source(self) -> Sample:
        return self.sample.source

    @property
    def n(self) -> int:
        return self.sample.n

    @property
    def metric(self) -> Callable[[torch.Tensor], torch.Tensor]:
        return self.sample.metric

    @property
    def task_mask(self) -> np.ndarray:
        return self.sample.task_mask.numpy()

    def m_clean(self) -> np.ndarray:
        """Per-row metric of the model (with the background edits, where there are)."""
        return self._background_run()["metric"] if self.background else to_np(self.sample.m_clean)

    def top1_rows(self, logits: torch.Tensor) -> np.ndarray:
        """Per row, the share of task positions where the top token is the unedited model's (1.0 when clean; with
        background edits, the model they leave). Unlike the metric, it does not reward hedging: a 50/50 mix of the
        right and a wrong token scores 0 or 1, not most of the way."""
        clean = self._background_run()["top1"] if self.background else self.base.clean_logits.argmax(-1).numpy()
        same = (logits.argmax(-1).numpy() == clean) & self.task_mask
        return same.sum(-1) / np.maximum(1, self.task_mask.sum(-1))

    def m_empty(self, ablation: str | None = None) -> np.ndarray:
        return to_np(self.sample.m_empty(ablation or self.ablation))

    def ablated(self, component: Component, ablation: str | None = None) -> torch.Tensor:
        return self.base.ablated(component, ablation or self.ablation, self.generator)

    def ablate_all(self, component: Component, ablation: str | None = None) -> Replace:
        """An edit that ablates `component` at its claimed positions (every position if none are claimed)."""
        return Replace(component, positions_mask(self.space.n_ctx, component), self.ablated(component, ablation))

    def subset(self, rows: int) -> tuple[Sample, Callable[[torch.Tensor], torch.Tensor]]:
        """The first `rows` graded rows as a Sample of their own, with their metric (for cheap screening runs)."""
        return self.base.head(rows), self.sample.metric_rows(rows)

    def runs(self, variants: list[list], reduce=None) -> list[np.ndarray]:
        if self.background:
            variants = [list(self.background) + list(edits) for edits in variants]
        return [to_np(m) if reduce is None else m for m in self.base.run(variants, reduce or self.metric)]

    def bootstrap(self, fn: Callable[[np.ndarray], Any], n: int | None = None) -> tuple[float, float]:
        """95% interval of fn(rows) over bootstrap resamples of rows.

        All resamples are drawn at once, [resamples, n]; `fn` is called once with them and answers one value per
        resample (the grading statistics — `ratio` and the like — reduce over the last axis). A function that
        answers a single number instead is called once per resample."""
        n = self.n if n is None else n
        resamples = self.rng.integers(0, n, (self.spec.bootstrap, n))
        values = np.asarray(fn(resamples), dtype=float)
        if values.shape != (len(resamples),):
            values = np.array([fn(rows) for rows in resamples], dtype=float)
        values = values[np.isfinite(values)]
        if not len(values):
            return (float("nan"), float("nan"))
        return (float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5)))


class _MetricAndTop1:
    """A row-wise reduce for Sample.run: per row, the metric, then the top token at each position ([rows, 1 + pos])."""

    def __init__(self, metric) -> None:
        self.metric = metric

    def __call__(self, logits: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.metric(logits).double()[:, None], logits.argmax(-1).double()], dim=1)

    def rows(self, part: slice) -> "_MetricAndTop1":
        return _MetricAndTop1(self.metric.rows(part))


def to_np(t: torch.Tensor) -> np.ndarray:
    return t.detach().double().cpu().numpy()


@dataclass
class Baseline:
    """A claim against random claims of the same size (random circuits, random subspaces)."""

    wins: float  # share of random values strictly below the claim's (ties are not wins)
    reach: float  # share of random values that reach the threshold themselves
    no_power: bool  # more than 1 − baseline_percentile of them reach it: the check cannot tell
    failed: bool  # no power, or too few wins
    note: str  # one clause for the message

    @classmethod
    def of(cls, value: float, randoms: list[float], threshold: float, percentile: float, what: str) -> "Baseline":
        """`what` names the random claims, e.g. "random circuits of 12 units"."""
        count = max(1, len(randoms))
        wins = sum(v < value - 1e-9 for v in randoms) / count
        reach = sum(v >= threshold for v in randoms) / count
        no_power = reach > 1 - percentile or not randoms
        if not randoms:
            note = f"there are no {what}: the check has no power at this size; claim less"
        elif no_power:
            note = (f"{reach:.0%} of {len(randoms)} {what} reach the threshold too: the check has no power at this "
                    "size; claim less")
        elif wins < percentile:
            note = f"beats only {wins:.0%} of {len(randoms)} {what} (needs {percentile:.0%}; ties are not wins)"
        else:
            note = f"beats {wins:.0%} of {len(randoms)} {what}"
        return cls(wins, reach, no_power, no_power or wins < percentile, note)


def ratio(num: np.ndarray, den: np.ndarray, rows: np.ndarray | None = None) -> Any:
    """mean(num) / mean(den) over `rows` (all rows when None): a float, or one per resample when `rows` is
    [resamples, n]; NaN where the denominator is ~0."""
    if rows is None or np.ndim(rows) == 1:
        idx = slice(None) if rows is None else rows
        d = den[idx].mean()
        return float(num[idx].mean() / d) if abs(d) > 1e-12 else float("nan")
    d = den[rows].mean(-1)
    safe = np.abs(d) > 1e-12
    return np.where(safe, num[rows].mean(-1) / np.where(safe, d, 1.0), np.nan)


def two(x: float) -> str:
    """`x` to two decimals, never "-0.00": a share that is zero up to float noise prints the same on every machine
    and whichever way the forward pass sums."""
    return f"{round(x, 2) + 0.0:.2f}"


def positions_mask(n_ctx: int, component: Component) -> torch.Tensor:
    mask = torch.zeros(n_ctx, dtype=torch.bool)
    mask[list(component.positions) if component.positions is not None else slice(None)] = True
    return mask


def result(ctx: Context, index: int, kind: str, name: str, value: float, threshold: float, failures: list[str],
           message: str, *, explains: list[str] = (), ci=(float("nan"), float("nan")), ablation: str | None = None,
           vacuous: bool = False, details: dict | None = None) -> ClaimResult:
    """A ClaimResult whose verdict follows from its failures; a vacuous claim explains nothing."""
    verdict = "vacuous" if vacuous else ("fail" if failures else "pass")
    return ClaimResult(index, kind, name, verdict == "pass", float(value), float(threshold), tuple(ci), ctx.n, ablation,
                       list(explains) if verdict == "pass" else [], list(failures), message, details or {}, verdict)


__all__ = ["ABLATIONS", "Baseline", "CallFn", "ClaimResult", "Context", "GradingSample", "RowMetric", "positions_mask", "ratio",
           "result", "to_np"]
