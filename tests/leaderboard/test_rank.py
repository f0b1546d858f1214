"""The ranking (harness/leaderboard/rank.py) on the fixed sample of result files (the `results` fixture of
tests/leaderboard/conftest.py): puzzles solved first, then the mean score, then the name; and its small helpers."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import replace

import pytest

from harness.leaderboard.rank import Cell, finite, one_line, rank, score_text, shorten, summary_cell_text, when

PUZZLES = ["rederive_position", "previous_token_mlp", "bigram_0l"]
XSS_NAME = '<script>alert("pwned")</script> & <b>Co</b>'
RANKED = ["reference", "xss_probe", "auto_circuit", "random_baseline"]  # solved 3, 1, 1, 0


def test_rank_orders_by_solved_then_mean_then_name(results):
    rows = rank(results, PUZZLES)
    assert [r.solver for r in rows] == RANKED
    assert [r.rank for r in rows] == [1, 2, 3, 4]
    assert [r.solved for r in rows] == [3, 1, 1, 0]
    means = {r.solver: r.mean_score for r in rows}
    assert means["reference"] == pytest.approx((1.0 + 0.95 + 0.9) / 3)
    assert means["auto_circuit"] == pytest.approx(0.85 / 3)  # error and missing puzzle count as 0
    assert means["random_baseline"] == pytest.approx((0.3 + 0.3 + 0.45) / 3)
    assert means["random_baseline"] > means["auto_circuit"]  # ...and it still ranks below: fewer solved

    auto = rows[2]
    assert auto.method == "automated" and not auto.baseline and auto.link is None
    assert auto.puzzles["bigram_0l"] == Cell(score=0.0, solved=False, status="missing", error=None,
                                             claims_passed=0, claims_total=0, first_failure="")
    err = auto.puzzles["previous_token_mlp"]
    assert err.status == "error" and err.score == 0.0 and not err.solved
    assert "out of range" in err.error
    assert auto.puzzles["rederive_position"].claims_passed == 2
    assert auto.puzzles["rederive_position"].claims_total == 3
    assert rows[3].baseline and rows[3].method == "baseline"
    assert rows[1].display_name == XSS_NAME


def test_rank_edge_cases(results):
    res = copy.deepcopy(results)
    # an error result counts as 0 even if it carries a score; the newest of two results for a pair wins
    for r in res:
        if r["solver"] == "auto_circuit" and r["puzzle"] == "previous_token_mlp":
            r["score"], r["solved"] = 0.99, True
    newer = copy.deepcopy(next(r for r in res if r["solver"] == "random_baseline" and r["puzzle"] == "bigram_0l"))
    newer.update(score=0.0, date="2027-01-01T00:00:00+00:00")
    rows = {r.solver: r for r in rank([newer, *res], PUZZLES)}
    assert rows["auto_circuit"].puzzles["previous_token_mlp"].score == 0.0
    assert rows["auto_circuit"].solved == 1
    assert rows["random_baseline"].puzzles["bigram_0l"].score == 0.0
    # results for puzzles outside the list are ignored; the mean is over the listed puzzles only
    rows = rank(res, ["bigram_0l"])
    assert [r.solver for r in rows] == ["reference", "random_baseline"]
    # equal solved and mean share a rank; the name breaks the tie in the order
    twin = copy.deepcopy([r for r in res if r["solver"] == "random_baseline"])
    for r in twin:
        r["solver"], r["display_name"] = "another_baseline", "Another"
    rows = rank(res + twin, PUZZLES)
    assert [(r.rank, r.solver) for r in rows][-2:] == [(4, "another_baseline"), (4, "random_baseline")]
    assert rank([], PUZZLES) == []


def test_text_helpers_keep_cells_on_one_short_line():
    assert one_line("a\nb\r\n  c\td") == "a b c d"
    assert shorten("x" * 200, 10) == "x" * 9 + "…" and len(shorten("x" * 200, 10)) == 10
    assert shorten("short", 10) == "short"
    assert finite(float("nan")) is None and finite(float("inf")) is None and finite(None) is None
    assert finite(0.5) == 0.5


def test_scores_and_dates_are_shown_the_same_way_everywhere():
    assert score_text(0.9496) == "0.950" and score_text(1) == "1.000"
    assert when(dt.datetime(2026, 12, 1, 12, 0, 0, 123456, tzinfo=dt.timezone.utc)) == "2026-12-01T12:00:00+00:00"
    assert when("2026-12-01T12:00:00+00:00\n") == "2026-12-01T12:00:00+00:00" and when(None) == "unknown time"
    cell = Cell(score=0.5, solved=False, status="ok", error=None, claims_passed=1, claims_total=2, first_failure="")
    assert summary_cell_text(cell) == "0.500" and summary_cell_text(replace(cell, score=1.0, solved=True)) == "1.000 ✓"
    assert summary_cell_text(replace(cell, status="error")) == "error"
    assert summary_cell_text(replace(cell, status="missing")) == "—"
