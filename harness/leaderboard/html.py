"""The leaderboard as one self-contained HTML page: a sortable summary table, then per puzzle a table and a
chart of every claim's value against its threshold.

    render_html(results, puzzles, generated_at, commit, *, notes=()) -> str

The page's CSS and script are files (assets/page.css, assets/page.js) inlined into the page; nothing is fetched.
Everything taken from a result is untrusted: every such string is escaped with html.escape, only http(s)
links become anchors, and the Content-Security-Policy forbids any fetch and any script but the page's own
(pinned by its sha256), so the page also works offline from a file:// URL.

The chart is HTML, not a scaled drawing, so its text keeps its size on a phone: each claim is a row with its
full label, verdict and numbers as text, a track whose axis spans the puzzle's values and thresholds, and for
a failing claim its message in plain view (for a passing one, behind a "why" toggle that works by tap or
keyboard, not only hover).
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
from functools import lru_cache
from html import escape
from importlib import resources
from typing import Any, Iterable, Mapping, Sequence

from ..grading.context import ClaimResult
from .rank import (CHECK, METHODS, MISSING, Entry, Row, finite, one_line, rank, records, score_text, select, shorten,
                   standings, when)
from .record import ResultRecord

__all__ = ["render_html", "axis_range"]

AXIS_LIMITS = (-1.0, 2.0)  # the axis never reaches beyond these; values outside are drawn at the edge, ringed


@lru_cache(maxsize=None)
def _asset(name: str) -> str:
    return resources.files(__package__).joinpath("assets", name).read_text(encoding="utf-8").strip()


def _e(text: Any) -> str:
    return escape("" if text is None else str(text), quote=True)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-") or "puzzle"


def _method_class(method: str) -> str:
    return method if method in METHODS else "other"


def _badge(method: str) -> str:
    return f'<span class="badge badge-{_method_class(method)}">{_e(method)}</span>'


def _solver_html(row: Row) -> str:
    name = _e(row.display_name)
    link = row.link
    if isinstance(link, str) and re.match(r"https?://[^\s\"'<>]+$", link):
        return f'<a href="{_e(link)}" rel="noopener noreferrer nofollow">{name}</a>'
    return name


def _fmt(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _summary_html(rows: Sequence[Row], puzzles: Sequence[str]) -> str:
    heads = [("rank", "rank", "num"), ("solver", "solver", "text"), ("method", "method", "text"),
             ("solved", "puzzles solved", "num"), ("mean_score", "mean score", "num")]
    heads += [(f"puzzle:{p}", p, "num") for p in puzzles]
    out = ['<div class="table-wrap"><table id="summary" data-sorted-by="rank"><thead><tr>']
    for key, label, kind in heads:
        sort = "ascending" if key == "rank" else "none"
        cls = ' class="num puzzle-col"' if key.startswith("puzzle:") else ' class="num"' if kind == "num" else ""
        shown = _e(label).replace("_", "_<wbr>")  # long puzzle names may break after an underscore
        out.append(f'<th scope="col" tabindex="0" data-key="{_e(key)}" data-type="{kind}" aria-sort="{sort}"'
                   f'{cls} title="sort by {_e(label)}">{shown}</th>')
    out.append("</tr></thead><tbody>")
    for order, row in enumerate(rows):
        classes = "baseline" if row.baseline else ""
        out.append(f'<tr class="{classes}" data-solver="{_e(row.solver)}" data-order="{order}">')
        out.append(f'<td class="num" data-value="{row.rank}">{row.rank}</td>')
        out.append(f'<td class="solver">{_solver_html(row)}</td>')
        out.append(f'<td data-value="{_e(row.method)}">{_badge(row.method)}</td>')
        out.append(f'<td class="num" data-value="{row.solved}">{row.solved}/{len(puzzles)}</td>')
        out.append(f'<td class="num" data-value="{row.mean_score:.6f}">{score_text(row.mean_score)}</td>')
        for p in puzzles:
            cell = row.puzzles[p]
            if cell.status == "missing":
                out.append(f'<td class="num missing" data-value="-1" title="no submission">{MISSING}</td>')
            elif cell.status == "error":
                out.append(f'<td class="num err" data-value="-0.5" title="{_e(shorten(cell.error, 200))}">'
                           f'error</td>')
            else:
                mark = f' <span class="solved" aria-label="solved">{CHECK}</span>' if cell.solved else ""
                out.append(f'<td class="num" data-value="{cell.score:.6f}">{score_text(cell.score)}{mark}</td>')
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def _puzzle_table_html(entries: Sequence[Entry]) -> str:
    out = ['<div class="table-wrap"><table class="puzzle-table"><thead><tr>',
           "<th>solver</th><th>method</th><th class=\"num\">score</th><th>solved</th>",
           '<th class="num">claims passed</th><th>first failure / error</th></tr></thead><tbody>']
    for row, _result, cell in entries:
        error = cell.status == "error"
        out.append(f'<tr class="{"baseline" if row.baseline else ""}" data-solver="{_e(row.solver)}">')
        # data-label: on a phone the table becomes one card per solver, each value under its column's name
        out.append(f'<td class="solver">{_solver_html(row)}</td><td data-label="method">{_badge(row.method)}</td>')
        if error:
            out.append('<td class="num err" data-label="score">error</td><td class="err" data-label="solved">error</td>')
        else:
            solved = f'<span class="solved">{CHECK} yes</span>' if cell.solved else "no"
            out.append(f'<td class="num" data-label="score">{score_text(cell.score)}</td>'
                       f'<td data-label="solved">{solved}</td>')
        out.append(f'<td class="num" data-label="claims passed">{cell.claims_passed}/{cell.claims_total}</td>')
        cls = "msg err-text" if error else "msg"
        out.append(f'<td class="{cls}">{_e(shorten(cell.first_failure, 600))}</td></tr>')
    out.append("</tbody></table></div>")
    return "".join(out)


# ------------------------------------------------------------------------------------------------ chart


def _ci(claim: ClaimResult) -> tuple[float, float] | None:
    lo, hi = (finite(v) for v in claim.ci) if len(claim.ci) == 2 else (None, None)
    return (lo, hi) if lo is not None and hi is not None else None


def axis_range(claims: Iterable[ClaimResult]) -> tuple[float, float]:
    """The axis of one puzzle's chart: 0 to 1, widened to every value, threshold and interval end (in steps of
    0.2), never beyond AXIS_LIMITS."""
    lo, hi = 0.0, 1.0
    for claim in claims:
        for v in (finite(claim.value), finite(claim.threshold), *(_ci(claim) or ())):
            if v is not None:
                lo, hi = min(lo, v), max(hi, v)
    lo, hi = max(AXIS_LIMITS[0], math.floor(lo * 5) / 5), min(AXIS_LIMITS[1], math.ceil(hi * 5) / 5)
    return round(lo, 1), round(hi, 1)


def _ticks(lo: float, hi: float) -> list[float]:
    step = 0.2 if hi - lo <= 1.6 else 0.5
    first = math.ceil(lo / step - 1e-9) * step
    return [round(first + i * step, 2) for i in range(int((hi - first) / step + 1e-9) + 1)]


def _verdict(claim: ClaimResult) -> str:
    return "vacuous" if claim.verdict == "vacuous" else "pass" if claim.passed else "fail"


def _claim_row(claim: ClaimResult, axis: tuple[float, float], ticks: list[float]) -> str:
    lo, hi = axis

    def pos(v: float) -> float:
        return (min(max(v, lo), hi) - lo) / (hi - lo) * 100

    value, threshold, ci = finite(claim.value), finite(claim.threshold), _ci(claim)
    verdict = _verdict(claim)
    marks = [f'<span class="grid{" unit" if t in (0.0, 1.0) else ""}" style="left:{pos(t):.2f}%"></span>' for t in ticks]
    if value is not None and threshold is not None:
        a, b = sorted((pos(value), pos(threshold)))
        marks.append(f'<span class="gap {"pass" if claim.passed else "fail"}" style="left:{a:.2f}%;width:{b - a:.2f}%">'
                     "</span>")
    if ci is not None:
        a, b = pos(ci[0]), pos(ci[1])
        marks.append(f'<span class="ci" style="left:{a:.2f}%;width:{max(b - a, 0.0):.2f}%"></span>')
    if threshold is not None:
        marks.append(f'<span class="threshold" style="left:{pos(threshold):.2f}%"></span>')
    if value is None:
        marks.append(f'<span class="dot claim {verdict} na" style="left:0%"></span>')
    else:
        clipped = " clipped" if not lo <= value <= hi else ""
        marks.append(f'<span class="dot claim {verdict}{clipped}" style="left:{pos(value):.2f}%" '
                     f'data-value="{value:.6g}"></span>')
    interval = f" · 95% CI [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else ""
    numbers = f"{_fmt(value)} / {_fmt(threshold)}{interval}"
    label = (f'<div class="label"><span class="kind">{_e(one_line(claim.kind))}:</span> {_e(one_line(claim.name))} '
             f'<span class="verdict">{verdict.upper()}</span> <span class="numbers">{_e(numbers)}</span></div>')
    track = (f'<div class="track" role="img" aria-label="value {_e(_fmt(value))}, threshold {_e(_fmt(threshold))}">'
             + "".join(marks) + "</div>")
    text = " ".join([one_line(claim.message)] + [one_line(f) for f in claim.failures[:3]]).strip()
    if not text:
        why = ""
    elif verdict == "pass":
        why = f'<details class="why"><summary>why</summary>{_e(text)}</details>'
    else:
        why = f'<p class="why">{_e(text)}</p>'
    return f'<div class="claim-row {verdict}" data-kind="{_e(claim.kind)}">{label}{track}{why}</div>'


def _chart_html(puzzle: str, entries: Sequence[Entry], axis: tuple[float, float]) -> str:
    ticks = _ticks(*axis)
    lo, hi = axis
    scale = "".join(f'<span class="tick" style="left:{(t - lo) / (hi - lo) * 100:.2f}%">{t:g}</span>' for t in ticks)
    out = [f'<div class="chart" data-puzzle="{_e(puzzle)}" data-axis="{lo:g},{hi:g}" role="group" '
           f'aria-label="claim values against thresholds for {_e(puzzle)}">',
           f'<div class="axis" aria-hidden="true"><div class="label"></div><div class="scale">{scale}</div></div>']
    for row, result, cell in entries:
        error = cell.status == "error"
        classes = "submission" + (" baseline" if row.baseline else "") + (" error" if error else "")
        out.append(f'<div class="{classes}" data-solver="{_e(row.solver)}">')
        sub = "error" if error else f"score {score_text(cell.score)}" + (f" {CHECK} solved" if cell.solved else "")
        out.append(f'<div class="who">{_solver_html(row)} {_badge(row.method)} <span class="sub">· {_e(sub)}</span>'
                   "</div>")
        if error:
            out.append(f'<p class="error-text">error: {_e(one_line(cell.error))}</p>')
        else:
            out += [_claim_row(claim, axis, ticks) for claim in result.claims]
        out.append("</div>")
    out.append("</div>")
    return "".join(out)


def _legend(axis: tuple[float, float]) -> str:
    items = [
        ('<span class="dot pass"></span>', "claim passed (its value)"),
        ('<span class="dot fail"></span>', "claim failed"),
        ('<span class="dot vacuous"></span>', "vacuous: cannot fail here, earns nothing"),
        ('<span class="threshold"></span>', "the puzzle's threshold"),
        ('<span class="gap pass"></span>', "bar: distance from the threshold to the value (green above, red below)"),
        ('<span class="ci"></span>', "95% bootstrap interval"),
        ('<span class="dot fail na"></span>', "no value (could not be computed)"),
        ('<span class="dot pass clipped"></span>', f"value beyond the axis ({axis[0]:g} to {axis[1]:g}), drawn at its edge"),
    ]
    return ('<ul class="legend">' + "".join(f'<li><span class="sample track">{mark}</span>{_e(text)}</li>'
                                             for mark, text in items) + "</ul>")


# ------------------------------------------------------------------------------------------------- page


def render_html(results: Iterable[ResultRecord | Mapping[str, Any]], puzzles: Sequence[str], generated_at: Any,
                commit: str | None, *, notes: Sequence[str] = (), universality: Mapping[str, str] | None = None) -> str:
    """The leaderboard as one static HTML page: a sortable summary table and a claims chart per puzzle.

    No external CSS, JavaScript, fonts or images; the Content-Security-Policy forbids fetching anything and
    runs only the page's own inline script (pinned by its sha256), so untrusted text cannot run as script.
    """
    results = records(results)
    puzzles = list(dict.fromkeys(puzzles))
    rows = rank(results, puzzles)
    chosen = select(results, puzzles)
    script = _asset("page.js")
    script_hash = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    csp = (f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{script_hash}'; img-src data:; "
           "base-uri 'none'; form-action 'none'")
    stamp, sha = _e(when(generated_at)), _e(commit or "unknown")
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        "<title>interp-puzzles leaderboard</title>",
        f"<style>{_asset('page.css')}</style></head><body><main>",
        '<header><h1>interp-puzzles leaderboard</h1>',
        f'<p class="meta" id="provenance">Produced by <code>make leaderboard</code> on {stamp} at commit '
        f"<code>{sha}</code>.</p></header>",
        '<section class="card" id="overview"><h2>Summary</h2>',
        _summary_html(rows, puzzles) if rows else "<p>No results yet.</p>",
        f'<p class="note">Ranked by puzzles solved, then mean score over all {len(puzzles)} puzzles (a missing '
        f"puzzle or an error counts as 0). Baselines are ranked like everyone else and shown shaded. "
        f"{CHECK} solved · {MISSING} no submission · click a column header to sort.</p>",
    ]
    notes = [one_line(note) for note in notes if one_line(note)]
    if notes:
        out.append('<ul class="notes" id="notes">' + "".join(f"<li>{_e(n)}</li>" for n in notes) + "</ul>")
    if puzzles:
        out.append('<nav class="toc">Puzzles: ' + "".join(
            f'<a href="#puzzle-{_e(_slug(p))}">{_e(p)}</a>' for p in puzzles) + "</nav>")
    out.append("</section>")
    used: set[str] = set()
    for puzzle in puzzles:
        slug = _slug(puzzle)
        while slug in used:
            slug += "-"
        used.add(slug)
        entries = standings(chosen, rows, puzzle)
        out.append(f'<section class="card puzzle" id="puzzle-{_e(slug)}" data-puzzle="{_e(puzzle)}">'
                   f"<h2><code>{_e(puzzle)}</code></h2>")
        if universality and puzzle in universality:
            out.append(f'<p class="note universality">{_e(universality[puzzle])}</p>')
        if not entries:
            out.append('<p class="missing">No submissions.</p></section>')
            continue
        out.append(_puzzle_table_html(entries))
        axis = axis_range(c for _row, result, cell in entries if cell.status != "error" for c in result.claims)
        out.append(_chart_html(puzzle, entries, axis))
        out.append(_legend(axis))
        absent = [r for r in rows if (r.solver, puzzle) not in chosen]
        if absent:
            out.append('<p class="note">No submission from: '
                       + ", ".join(_e(r.display_name) for r in absent) + ".</p>")
        out.append("</section>")
    out.append(f"<footer>interp-puzzles · generated {stamp} · commit {sha}</footer></main>")
    out.append(f"<script>{script}</script></body></html>")
    return "\n".join(out) + "\n"
