"""Ranking: ResultRecords -> one row per solver, best first, and per puzzle its standings.

A puzzle a solver has no result for counts as score 0, not solved ("missing"); a result with status "error"
counts as score 0, not solved. Baselines are ranked like everyone else and labelled. Plain dictionaries are
accepted too and read through the result schema (`ResultRecord.from_dict`), so nothing unvalidated is shown.

    rank(results, puzzles) -> list of Rows, best first
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from ..grading.context import ClaimResult
from .record import ResultRecord

METHODS = ("human", "automated", "baseline")
MISSING = "—"
CHECK = "✓"



@dataclass
class Cell:
    """One solver on one puzzle, as the tables show it."""

    score: float  # the result's score; 0 for an error or a missing result
    solved: bool
    status: str  # "ok", "error" or "missing"
    error: str | None  # the error on one line (status "error")
    claims_passed: int
    claims_total: int
    first_failure: str  # the error, the first recorded failure, or the first failed claim's; "" if none


@dataclass
class Row:
    """One solver's line of the leaderboard."""

    rank: int  # equal solved count and mean score share a rank
    solver: str
    display_name: str
    method: str  # human | automated | baseline | unknown
    link: str | None
    baseline: bool
    solved: int  # puzzles solved
    mean_score: float  # over every listed puzzle (missing and errors count 0)
    puzzles: dict[str, Cell]  # every listed puzzle


Entry = tuple[Row, ResultRecord, Cell]  # (row, result, cell) of one solver on one puzzle


def one_line(text: Any) -> str:
    return " ".join(("" if text is None else str(text)).split())


def shorten(text: Any, width: int = 90) -> str:
    text = one_line(text)
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def records(results: Iterable[ResultRecord | Mapping[str, Any]]) -> list[ResultRecord]:
    return [r if isinstance(r, ResultRecord) else ResultRecord.from_dict(r) for r in results]


def select(results: Iterable[ResultRecord], puzzles: Sequence[str]) -> dict[tuple[str, str], ResultRecord]:
    """(solver, puzzle) -> its result; for duplicates the latest by date wins (then the later in the list)."""
    wanted = set(puzzles)
    chosen: dict[tuple[str, str], ResultRecord] = {}
    for result in results:
        if result.puzzle not in wanted:
            continue
        old = chosen.get(result.key)
        if old is None or result.date >= old.date:
            chosen[result.key] = result
    return chosen


def _claim_failure(claim: ClaimResult) -> str:
    return one_line(claim.failures[0]) if claim.failures else one_line(claim.message) or f"claim {claim.name} failed"


def _first_failure(result: ResultRecord) -> str:
    """The error message of an error result, else the first recorded failure, else the first failed claim's."""
    if result.status != "ok":
        return one_line(result.error) or "error"
    if result.failures:
        return one_line(result.failures[0])
    return next((_claim_failure(c) for c in result.claims if not c.passed), "")


def _cell(result: ResultRecord | None) -> Cell:
    if result is None:
        return Cell(score=0.0, solved=False, status="missing", error=None, claims_passed=0, claims_total=0,
                    first_failure="")
    error = result.status != "ok"
    return Cell(score=0.0 if error else max(0.0, finite(result.score) or 0.0), solved=(not error) and result.solved,
                status="error" if error else "ok", error=(one_line(result.error) or "error") if error else None,
                claims_passed=sum(1 for c in result.claims if c.passed), claims_total=len(result.claims),
                first_failure=_first_failure(result))


def rank(results: Iterable[ResultRecord | Mapping[str, Any]], puzzles: Sequence[str]) -> list[Row]:
    """One row per solver, best first: solved count desc, mean score (over ALL puzzles) desc, solver name."""
    puzzles = list(dict.fromkeys(puzzles))
    chosen = select(records(results), puzzles)
    solvers: dict[str, list[ResultRecord]] = {}
    for (solver, _), result in chosen.items():
        solvers.setdefault(solver, []).append(result)
    rows = []
    for solver, own in solvers.items():
        meta = max(own, key=lambda r: r.date)  # the newest result names the solver
        cells = {p: _cell(chosen.get((solver, p))) for p in puzzles}
        solved = sum(1 for c in cells.values() if c.solved)
        mean = sum(c.score for c in cells.values()) / len(puzzles) if puzzles else 0.0
        method = meta.method or "unknown"
        rows.append(Row(rank=0, solver=solver, display_name=meta.display_name or solver, method=method,
                        link=meta.link, baseline=method == "baseline", solved=solved, mean_score=mean, puzzles=cells))
    rows.sort(key=lambda r: (-r.solved, -r.mean_score, r.solver))
    previous = None
    for position, row in enumerate(rows, 1):
        key = (row.solved, round(row.mean_score, 9))
        row.rank = rows[position - 2].rank if key == previous else position
        previous = key
    return rows


def standings(chosen: Mapping[tuple[str, str], ResultRecord], rows: Sequence[Row], puzzle: str) -> list[Entry]:
    """(row, result, cell) for each solver that has a result on `puzzle`: solved, then score, then overall rank."""
    entries = [(row, chosen[(row.solver, puzzle)], row.puzzles[puzzle]) for row in rows
               if (row.solver, puzzle) in chosen]
    order = {row.solver: i for i, row in enumerate(rows)}
    entries.sort(key=lambda e: (e[2].status == "error", not e[2].solved, -e[2].score, order[e[0].solver]))
    return entries


def when(generated_at: Any) -> str:
    if isinstance(generated_at, dt.datetime):
        return generated_at.replace(microsecond=0).isoformat()
    return one_line(generated_at) or "unknown time"


def score_text(value: float) -> str:
    return f"{value:.3f}"


def summary_cell_text(cell: Cell) -> str:
    if cell.status == "missing":
        return MISSING
    if cell.status == "error":
        return "error"
    return score_text(cell.score) + (f" {CHECK}" if cell.solved else "")
