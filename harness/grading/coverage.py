"""Where a circuit holds: at each counted position, and with nothing left out.

A faithfulness averaged over rows and positions hides the places where a circuit is false: a circuit without the
positional embedding of one position keeps 0.96 of the metric averaged over ten positions while that position's
answers fall to 0.46 (sort_fixed_len_list without pos_embed at MID); one without three of the ten items of a vote
keeps 0.91. Two checks judge a circuit where it says something:

  per position  at every counted position, the circuit keeps the model's answer (as the task's accuracy counts it)
                on ≥ `faithfulness` of the rows where the model gives it (`circuit.positions`);
  complete      no component left out (the positions of it the circuit does not name, all at once) recovers
                ≥ δ of the metric when put back, overall or in the answers kept at some counted position
                (`circuit.completeness`): the mirror of minimality, which asks the same of every unit put in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..puzzle.metrics import position_scores
from .context import Context, RowMetric, to_np


class PositionsAndAnswers:
    """A row-wise reduce for Sample.run: per row, the row metric, the metric at each counted position, and whether the
    task's answer is given there ([rows, 1 + 2 × positions])."""

    def __init__(self, metric: RowMetric) -> None:
        self.metric = metric

    def __call__(self, logits: torch.Tensor) -> torch.Tensor:
        m = self.metric
        batch = {name: value[m.start:m.stop] for name, value in m.batch.items()}
        per_position, answers = position_scores(m.task, logits, batch, m.reference)
        return torch.cat([per_position.mean(-1, keepdim=True), per_position, answers.double()], dim=1)

    def rows(self, part: slice) -> "PositionsAndAnswers":
        return PositionsAndAnswers(self.metric.rows(part))


@dataclass
class Coverage:
    """One run's metric per row, and its answers kept per counted position."""

    metric: np.ndarray  # [rows]
    kept: np.ndarray  # [positions]: share of the rows where the model gives the answer on which this run gives it too

    @classmethod
    def of(cls, run: np.ndarray, model: np.ndarray) -> "Coverage":
        """From a PositionsAndAnswers run and the model's own answers (bool [rows, positions])."""
        answers = run[:, 1 + (run.shape[1] - 1) // 2:] > 0.5
        return cls(run[:, 0], (answers & model).sum(0) / np.maximum(1, model.sum(0)))


def clean_answers(ctx: Context) -> np.ndarray:
    """Bool [rows, positions]: where the model itself gives the task's answer (with background edits, the model they
    leave: one pass, kept with the context's other baseline runs)."""
    memo = ctx._baseline if ctx.background else ctx.sample.memo
    if "answers" not in memo:
        if ctx.background:
            (run,) = ctx.runs([[]], reduce=PositionsAndAnswers(ctx.metric))
        else:
            run = PositionsAndAnswers(ctx.metric)(ctx.base.clean_logits)
        memo["answers"] = to_np(run)[:, 1 + (run.shape[1] - 1) // 2:] > 0.5
    return memo["answers"]


def coverage_runs(ctx: Context, variants: list[list]) -> list[Coverage]:
    """Each variant's Coverage (one pass per variant, as ctx.runs)."""
    model = clean_answers(ctx)
    return [Coverage.of(to_np(run), model) for run in ctx.runs(variants, reduce=PositionsAndAnswers(ctx.metric))]


MIN_ROWS = 10  # a position is judged on answers only where at least this many rows speak (and δ of them)


def kept_beyond(ctx: Context, kept: np.ndarray, lost: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(value, judged) per counted position: the share of the answers that `lost` (an intervention that should break
    them) loses which `kept` (the claimed one) keeps, (kept − lost) / (1 − lost); judged where `lost` loses ≥ δ of the
    model's answers, on ≥ MIN_ROWS rows."""
    answers = clean_answers(ctx).sum(0)
    gone = (1 - lost) * answers
    judged = (1 - lost >= ctx.spec.delta) & (gone >= MIN_ROWS)
    value = (kept - lost) / np.where(judged, 1 - lost, 1.0)
    return np.where(judged, value, np.nan), judged


def judged_positions(ctx: Context) -> np.ndarray:
    """Bool [positions]: the counted positions where the model gives the answer on some row."""
    return clean_answers(ctx).any(0)
