"""Leaderboard rendering: rank result dicts, write them as Markdown and as one self-contained HTML page.

Input is a list of result dicts (schema_version 1, one per (solver, puzzle); see harness/results.py) and the
list of puzzle names. A puzzle a solver has no result for counts as score 0, not solved ("missing"); a result
with status "error" counts as score 0, not solved. Baselines are ranked like everyone else and labelled.

    rank(results, puzzles)                                       -> list of row dicts, best first
    render_markdown(results, puzzles, generated_at, commit, *, notes=())  -> str (GitHub-flavoured Markdown)
    render_html(results, puzzles, generated_at, commit, *, notes=())      -> str (one static page, nothing external)

notes: optional lines shown under the summary (e.g. puzzles not graded on this machine).

Everything taken from a result is untrusted: the HTML escapes every such string with html.escape, only
http(s) links become anchors, and the page's Content-Security-Policy forbids any fetch and any script but its
own (pinned by hash), so the page also works offline from a file:// URL.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import math
import re
from html import escape
from typing import Any, Iterable, Mapping, Sequence

from tabulate import tabulate

__all__ = ["rank", "render_markdown", "render_html"]

METHODS = ("human", "automated", "baseline")
MISSING = "—"
CHECK = "✓"
X_MIN, X_MAX = -0.2, 1.2  # claim values are drawn clipped to this range


# ----------------------------------------------------------------------------------------------- data


def _text(value: Any, default: str = "") -> str:
    return default if value is None else str(value)


def _float(value: Any) -> float | None:
    """A finite float, or None for anything else (None, NaN, inf, strings that are not numbers)."""
    if isinstance(value, bool):
        return float(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _one_line(text: Any) -> str:
    return " ".join(_text(text).split())


def _shorten(text: Any, width: int = 90) -> str:
    text = _one_line(text)
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _method(result: Mapping[str, Any]) -> str:
    return _text(result.get("method"), "unknown") or "unknown"


def _select(results: Iterable[Mapping[str, Any]], puzzles: Sequence[str]) -> dict[tuple[str, str], Mapping[str, Any]]:
    """(solver, puzzle) -> its result; for duplicates the latest by date wins (then the later in the list)."""
    wanted = set(puzzles)
    chosen: dict[tuple[str, str], Mapping[str, Any]] = {}
    for result in results:
        if not isinstance(result, Mapping) or result.get("solver") is None:
            continue
        key = (_text(result.get("solver")), _text(result.get("puzzle")))
        if key[1] not in wanted:
            continue
        old = chosen.get(key)
        if old is None or _text(result.get("date")) >= _text(old.get("date")):
            chosen[key] = result
    return chosen


def _claims(result: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    claims = result.get("claims")
    return [c for c in claims if isinstance(c, Mapping)] if isinstance(claims, list) else []


def _is_error(result: Mapping[str, Any]) -> bool:
    return result.get("status") != "ok"


def _first_failure(result: Mapping[str, Any]) -> str:
    """The error message of an error result, else the first recorded failure, else the first failed claim's."""
    if _is_error(result):
        return _one_line(result.get("error")) or "error"
    failures = result.get("failures")
    if isinstance(failures, list) and failures:
        return _one_line(failures[0])
    for claim in _claims(result):
        if not claim.get("passed"):
            inner = claim.get("failures")
            if isinstance(inner, list) and inner:
                return _one_line(inner[0])
            return _one_line(claim.get("message")) or f"claim {_text(claim.get('name'))} failed"
    return ""


def _cell(result: Mapping[str, Any] | None) -> dict[str, Any]:
    if result is None:
        return {"score": 0.0, "solved": False, "status": "missing", "error": None,
                "claims_passed": 0, "claims_total": 0, "first_failure": ""}
    claims = _claims(result)
    error = _is_error(result)
    return {
        "score": 0.0 if error else max(0.0, _float(result.get("score")) or 0.0),
        "solved": (not error) and result.get("solved") is True,
        "status": "error" if error else "ok",
        "error": (_one_line(result.get("error")) or "error") if error else None,
        "claims_passed": sum(1 for c in claims if c.get("passed") is True),
        "claims_total": len(claims),
        "first_failure": _first_failure(result),
    }


def rank(results: Iterable[Mapping[str, Any]], puzzles: Sequence[str]) -> list[dict[str, Any]]:
    """One row per solver, best first: solved count desc, mean score (over ALL puzzles) desc, solver name.

    Each row: rank (equal solved count and mean score share a rank), solver, display_name, method, link,
    baseline (bool), solved (count), mean_score, and puzzles = {puzzle: {score, solved, status ("ok", "error"
    or "missing"), error, claims_passed, claims_total, first_failure}} for every puzzle in `puzzles`.
    """
    puzzles = list(dict.fromkeys(puzzles))
    chosen = _select(results, puzzles)
    solvers: dict[str, list[Mapping[str, Any]]] = {}
    for (solver, _), result in chosen.items():
        solvers.setdefault(solver, []).append(result)
    rows = []
    for solver, own in solvers.items():
        meta = max(own, key=lambda r: _text(r.get("date")))  # the newest result names the solver
        cells = {p: _cell(chosen.get((solver, p))) for p in puzzles}
        solved = sum(1 for c in cells.values() if c["solved"])
        mean = sum(c["score"] for c in cells.values()) / len(puzzles) if puzzles else 0.0
        method = _method(meta)
        rows.append({
            "rank": 0, "solver": solver, "display_name": _text(meta.get("display_name")) or solver,
            "method": method, "link": meta.get("link") if isinstance(meta.get("link"), str) else None,
            "baseline": method == "baseline", "solved": solved, "mean_score": mean, "puzzles": cells,
        })
    rows.sort(key=lambda r: (-r["solved"], -r["mean_score"], r["solver"]))
    previous = None
    for position, row in enumerate(rows, 1):
        key = (row["solved"], round(row["mean_score"], 9))
        row["rank"] = rows[position - 2]["rank"] if key == previous else position
        previous = key
    return rows


def _puzzle_standings(chosen: Mapping[tuple[str, str], Mapping[str, Any]], rows: Sequence[Mapping[str, Any]],
                      puzzle: str) -> list[tuple[Mapping[str, Any], Mapping[str, Any], dict[str, Any]]]:
    """(row, result, cell) for each solver that has a result on `puzzle`: solved, then score, then overall rank."""
    entries = [(row, chosen[(row["solver"], puzzle)], row["puzzles"][puzzle]) for row in rows
               if (row["solver"], puzzle) in chosen]
    order = {row["solver"]: i for i, row in enumerate(rows)}
    entries.sort(key=lambda e: (e[2]["status"] == "error", not e[2]["solved"], -e[2]["score"], order[e[0]["solver"]]))
    return entries


def _when(generated_at: Any) -> str:
    if isinstance(generated_at, dt.datetime):
        return generated_at.replace(microsecond=0).isoformat()
    return _text(generated_at, "unknown time") or "unknown time"


def _score(value: float) -> str:
    return f"{value:.3f}"


def _summary_cell_text(cell: Mapping[str, Any]) -> str:
    if cell["status"] == "missing":
        return MISSING
    if cell["status"] == "error":
        return "error"
    return _score(cell["score"]) + (f" {CHECK}" if cell["solved"] else "")


# ------------------------------------------------------------------------------------------- markdown


def _md(text: Any) -> str:
    """One line of Markdown text: pipes escaped for tables, and <, >, & as entities so that an untrusted name
    cannot open raw HTML (a comment or a tag) that would swallow the rest of the page; it still reads as typed."""
    text = _one_line(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\\", "\\\\").replace("|", "\\|")


def _md_solver(row: Mapping[str, Any]) -> str:
    name = _md(row["display_name"])
    link = row.get("link")
    if isinstance(link, str) and re.match(r"https?://\S+$", link):
        label = name.replace("[", "\\[").replace("]", "\\]")
        target = link.replace(")", "%29").replace("|", "%7C")
        name = f"[{label}]({target})"
    return name


def _md_method(row: Mapping[str, Any]) -> str:
    return f"*{_md(row['method'])}*" if row["baseline"] else _md(row["method"])


def render_markdown(results: Iterable[Mapping[str, Any]], puzzles: Sequence[str], generated_at: Any,
                    commit: str | None, *, notes: Sequence[str] = ()) -> str:
    """The leaderboard as GitHub-flavoured Markdown: a summary table (then `notes`), then one table per puzzle."""
    results = list(results)
    puzzles = list(dict.fromkeys(puzzles))
    rows = rank(results, puzzles)
    chosen = _select(results, puzzles)
    lines = [
        "# Leaderboard", "",
        f"Produced by `make leaderboard` on {_md(_when(generated_at))} at commit `{_md(commit or 'unknown')}`. "
        f"Ranked by puzzles solved, then mean score over all {len(puzzles)} puzzles (a missing puzzle or an "
        f"error counts as 0); baselines are ranked like everyone else. {CHECK} = solved, {MISSING} = no submission.",
        "",
    ]
    headers = ["rank", "solver", "method", "puzzles solved", "mean score", *[_md(p) for p in puzzles]]
    table = [[str(r["rank"]), _md_solver(r), _md_method(r), f"{r['solved']}/{len(puzzles)}", _score(r["mean_score"]),
              *[_summary_cell_text(r["puzzles"][p]) for p in puzzles]] for r in rows]
    if rows:
        lines.append(tabulate(table, headers=headers, tablefmt="github", disable_numparse=True,
                              colalign=("right", "left", "left", "right", "right", *["right"] * len(puzzles))))
    else:
        lines.append("No results yet.")
    notes = [_md(note) for note in notes if _one_line(note)]
    if notes:
        lines += ["", "Notes:", ""] + [f"- {note}" for note in notes]
    for puzzle in puzzles:
        lines += ["", f"## {_md(puzzle)}", ""]
        entries = _puzzle_standings(chosen, rows, puzzle)
        if not entries:
            lines.append("No submissions.")
            continue
        table = []
        for row, _result, cell in entries:
            error = cell["status"] == "error"
            table.append([
                _md_solver(row), _md_method(row), "error" if error else _score(cell["score"]),
                "error" if error else ("yes" if cell["solved"] else "no"),
                f"{cell['claims_passed']}/{cell['claims_total']}",
                _md(_shorten(("error: " if error else "") + cell["first_failure"], 100)),
            ])
        lines.append(tabulate(table, headers=["solver", "method", "score", "solved", "claims passed",
                                              "first failure / error"],
                              tablefmt="github", disable_numparse=True,
                              colalign=("left", "left", "right", "left", "right", "left")))
        absent = [r for r in rows if (r["solver"], puzzle) not in chosen]
        if absent:
            lines += ["", "No submission from: " + ", ".join(_md(r["display_name"]) for r in absent) + "."]
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------------------------- html


def _e(text: Any) -> str:
    return escape(_text(text), quote=True)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-") or "puzzle"


def _method_class(method: str) -> str:
    return method if method in METHODS else "other"


def _badge(method: str) -> str:
    return f'<span class="badge badge-{_method_class(method)}">{_e(method)}</span>'


def _solver_html(row: Mapping[str, Any]) -> str:
    name = _e(row["display_name"])
    link = row.get("link")
    if isinstance(link, str) and re.match(r"https?://[^\s\"'<>]+$", link):
        return f'<a href="{_e(link)}" rel="noopener noreferrer nofollow">{name}</a>'
    return name


def _fmt(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


_SCRIPT = """
(function () {
  "use strict";
  var table = document.getElementById("summary");
  if (!table) { return; }
  var body = table.tBodies[0];
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  function key(row, index, numeric) {
    var cell = row.cells[index];
    var raw = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent.trim();
    if (numeric) { var x = parseFloat(raw); return isNaN(x) ? -Infinity : x; }
    return raw.toLowerCase();
  }
  function sortBy(th) {
    var index = th.cellIndex;
    var numeric = th.getAttribute("data-type") === "num";
    var direction = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    var sign = direction === "ascending" ? 1 : -1;
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a, index, numeric), y = key(b, index, numeric);
      if (x < y) { return -sign; }
      if (x > y) { return sign; }
      return parseInt(a.getAttribute("data-order"), 10) - parseInt(b.getAttribute("data-order"), 10);
    });
    rows.forEach(function (row) { body.appendChild(row); });
    heads.forEach(function (h) { h.setAttribute("aria-sort", "none"); });
    th.setAttribute("aria-sort", direction);
    table.setAttribute("data-sorted-by", th.getAttribute("data-key"));
  }
  heads.forEach(function (th) {
    th.addEventListener("click", function () { sortBy(th); });
    th.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sortBy(th); }
    });
  });
})();
""".strip()

_STYLE = """
:root {
  --ink: #1f2933; --muted: #616e7c; --line: #e4e7eb; --bg: #f7f8fa; --card: #ffffff;
  --accent: #3b6fd8; --pass: #2f9e64; --fail: #d64545; --threshold: #334155; --base-row: #f3f1ea;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--ink); line-height: 1.5;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif;
}
main { max-width: 1280px; margin: 0 auto; padding: 28px 20px 56px; }
h1 { font-size: 1.9rem; margin: 0 0 4px; letter-spacing: -0.01em; }
h2 { font-size: 1.3rem; margin: 0 0 10px; }
h2 code { font-size: 1.15rem; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.92em;
  background: #eef1f5; padding: 1px 5px; border-radius: 4px; }
p.meta { color: var(--muted); margin: 0 0 18px; }
p.note { color: var(--muted); font-size: 0.88rem; margin: 8px 0 0; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 18px 20px;
  margin: 0 0 22px; box-shadow: 0 1px 2px rgba(15, 23, 42, 0.04); }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 7px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { font-size: 0.78rem; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); font-weight: 600;
  background: #fafbfc; vertical-align: bottom; }
th.puzzle-col { text-transform: none; letter-spacing: 0; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas,
  "Liberation Mono", monospace; font-size: 0.76rem; }
td.num { white-space: nowrap; }
td.num, th.num { text-align: right; }
tbody tr:hover { background: #f1f5fd; }
#summary th { cursor: pointer; user-select: none; }
#summary th:hover, #summary th:focus { color: var(--accent); outline: none; }
#summary th::after { content: "\\2195"; opacity: 0.3; margin-left: 4px; font-size: 0.9em; }
#summary th[aria-sort="ascending"]::after { content: "\\25B2"; opacity: 1; color: var(--accent); }
#summary th[aria-sort="descending"]::after { content: "\\25BC"; opacity: 1; color: var(--accent); }
tr.baseline { background: var(--base-row); color: #4b5563; }
tr.baseline td.solver { font-style: italic; }
td.solver { font-weight: 600; }
td.solver a { color: var(--accent); text-decoration: none; }
td.solver a:hover { text-decoration: underline; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 0.75rem; font-weight: 600;
  border: 1px solid transparent; white-space: nowrap; }
.badge-human { background: #e6efff; color: #1e4fae; border-color: #c9dafc; }
.badge-automated { background: #e8f6ee; color: #1f7a4a; border-color: #c5e8d4; }
.badge-baseline { background: #efece4; color: #6b5d3e; border-color: #ddd6c4; }
.badge-other { background: #f1f1f4; color: #555; border-color: #ddd; }
.solved { color: var(--pass); font-weight: 600; }
.err { color: var(--fail); font-weight: 600; }
.missing { color: #a0a8b3; }
.msg { color: var(--muted); font-size: 0.88rem; min-width: 220px; max-width: 460px; overflow-wrap: anywhere; }
.msg.err-text { color: var(--fail); }
ul.notes { color: var(--muted); font-size: 0.88rem; margin: 6px 0 0; padding-left: 20px; }
nav.toc { font-size: 0.9rem; color: var(--muted); margin: 4px 0 0; }
nav.toc a { color: var(--accent); text-decoration: none; margin-right: 12px; }
.chart-wrap { overflow-x: auto; margin-top: 14px; }
svg.claims-chart { display: block; width: 100%; min-width: 680px; height: auto; }
svg.claims-chart text { font-family: inherit; fill: var(--ink); }
svg.claims-chart .axis text { fill: var(--muted); font-size: 11px; }
svg.claims-chart .grid { stroke: #e9ecf1; stroke-width: 1; }
svg.claims-chart .grid.unit { stroke: #cfd6df; }
svg.claims-chart .band { fill: #fafbfc; }
svg.claims-chart .band.baseline { fill: var(--base-row); }
svg.claims-chart .solver-label { font-weight: 600; font-size: 12.5px; }
svg.claims-chart .claim-label { fill: var(--muted); font-size: 10.5px; }
svg.claims-chart .claim.pass { fill: var(--pass); }
svg.claims-chart .claim.fail { fill: var(--fail); }
svg.claims-chart .claim.na { fill: #fff; stroke-width: 2; }
svg.claims-chart .claim.na.pass { stroke: var(--pass); }
svg.claims-chart .claim.na.fail { stroke: var(--fail); }
svg.claims-chart .claim.clipped { stroke: #111827; stroke-width: 1.5; }
svg.claims-chart .threshold { stroke: var(--threshold); stroke-width: 2; }
svg.claims-chart .gap.pass { stroke: #9fd8b8; stroke-width: 3; }
svg.claims-chart .gap.fail { stroke: #f1aaaa; stroke-width: 3; }
svg.claims-chart .ci { stroke: #8a94a3; stroke-width: 1.2; }
svg.claims-chart .error-text { fill: var(--fail); font-size: 12px; }
svg.claims-chart g.claim-row:hover .lane-bg { fill: #eef3fd; }
svg.claims-chart .lane-bg { fill: transparent; }
.legend { display: flex; flex-wrap: wrap; gap: 16px; font-size: 0.85rem; color: var(--muted); margin: 6px 0 0; }
.legend span { display: inline-flex; align-items: center; gap: 6px; }
.legend svg { width: 26px; height: 14px; }
footer { color: var(--muted); font-size: 0.82rem; text-align: center; margin-top: 30px; }
@media (max-width: 640px) { main { padding: 18px 10px 40px; } .card { padding: 12px; } th, td { padding: 6px 6px; } }
""".strip()


def _summary_html(rows: Sequence[Mapping[str, Any]], puzzles: Sequence[str]) -> str:
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
        classes = "baseline" if row["baseline"] else ""
        out.append(f'<tr class="{classes}" data-solver="{_e(row["solver"])}" data-order="{order}">')
        out.append(f'<td class="num" data-value="{row["rank"]}">{row["rank"]}</td>')
        out.append(f'<td class="solver">{_solver_html(row)}</td>')
        out.append(f'<td data-value="{_e(row["method"])}">{_badge(row["method"])}</td>')
        out.append(f'<td class="num" data-value="{row["solved"]}">{row["solved"]}/{len(puzzles)}</td>')
        out.append(f'<td class="num" data-value="{row["mean_score"]:.6f}">{_score(row["mean_score"])}</td>')
        for p in puzzles:
            cell = row["puzzles"][p]
            if cell["status"] == "missing":
                out.append(f'<td class="num missing" data-value="-1" title="no submission">{MISSING}</td>')
            elif cell["status"] == "error":
                out.append(f'<td class="num err" data-value="-0.5" title="{_e(_shorten(cell["error"], 200))}">'
                           f'error</td>')
            else:
                mark = f' <span class="solved" aria-label="solved">{CHECK}</span>' if cell["solved"] else ""
                out.append(f'<td class="num" data-value="{cell["score"]:.6f}">{_score(cell["score"])}{mark}</td>')
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def _puzzle_table_html(entries) -> str:
    out = ['<div class="table-wrap"><table class="puzzle-table"><thead><tr>',
           "<th>solver</th><th>method</th><th class=\"num\">score</th><th>solved</th>",
           '<th class="num">claims passed</th><th>first failure / error</th></tr></thead><tbody>']
    for row, _result, cell in entries:
        error = cell["status"] == "error"
        out.append(f'<tr class="{"baseline" if row["baseline"] else ""}" data-solver="{_e(row["solver"])}">')
        out.append(f'<td class="solver">{_solver_html(row)}</td><td>{_badge(row["method"])}</td>')
        if error:
            out.append('<td class="num err">error</td><td class="err">error</td>')
        else:
            solved = f'<span class="solved">{CHECK} yes</span>' if cell["solved"] else "no"
            out.append(f'<td class="num">{_score(cell["score"])}</td><td>{solved}</td>')
        out.append(f'<td class="num">{cell["claims_passed"]}/{cell["claims_total"]}</td>')
        message = cell["first_failure"]
        cls = "msg err-text" if error else "msg"
        out.append(f'<td class="{cls}" title="{_e(_shorten(message, 400))}">{_e(_shorten(message, 120))}</td></tr>')
    out.append("</tbody></table></div>")
    return "".join(out)


# chart geometry (SVG user units; the SVG scales to the card's width through its viewBox)
_W, _LABEL_W, _NAME_W, _PAD_R = 1000, 200, 160, 18
_PLOT_X0, _PLOT_X1 = _LABEL_W + _NAME_W, _W - _PAD_R
_LANE_H, _BAND_PAD, _GAP, _AXIS_H, _TOP = 18, 6, 8, 26, 8


def _x(value: float) -> float:
    clipped = min(max(value, X_MIN), X_MAX)
    return _PLOT_X0 + (clipped - X_MIN) / (X_MAX - X_MIN) * (_PLOT_X1 - _PLOT_X0)


def _claim_tooltip(claim: Mapping[str, Any], value: float | None, threshold: float | None) -> str:
    status = "PASS" if claim.get("passed") is True else "FAIL"
    lines = [f"{status} · {_one_line(claim.get('kind')) or 'claim'} · {_one_line(claim.get('name'))}",
             f"value {_fmt(value, 4)} · threshold {_fmt(threshold, 4)}"]
    ci = claim.get("ci")
    if isinstance(ci, (list, tuple)) and len(ci) == 2 and all(_float(v) is not None for v in ci):
        lines.append(f"95% CI [{_fmt(_float(ci[0]), 4)}, {_fmt(_float(ci[1]), 4)}]")
    if claim.get("message"):
        lines.append(_shorten(claim.get("message"), 300))
    failures = claim.get("failures")
    if isinstance(failures, list):
        lines += [_shorten(f, 200) for f in failures[:3]]
    return "\n".join(lines)


def _chart_html(puzzle: str, entries) -> str:
    bands = []
    for row, result, cell in entries:
        lanes = 1 if cell["status"] == "error" else max(1, len(_claims(result)))
        bands.append((row, result, cell, lanes * _LANE_H + 2 * _BAND_PAD))
    height = _TOP + sum(h for *_, h in bands) + _GAP * max(0, len(bands) - 1) + _AXIS_H
    out = [f'<svg class="claims-chart" data-puzzle="{_e(puzzle)}" viewBox="0 0 {_W} {height}" '
           f'xmlns="http://www.w3.org/2000/svg" role="img" preserveAspectRatio="xMinYMin meet" '
           f'aria-label="claim values against thresholds for {_e(puzzle)}">']
    plot_bottom = height - _AXIS_H
    # grid and axis
    out.append('<g class="axis">')
    for tick in (-0.2, 0.0, 0.2, 0.4, 0.6, 0.8, 1.0, 1.2):
        x = _x(tick)
        unit = " unit" if tick in (0.0, 1.0) else ""
        out.append(f'<line class="grid{unit}" x1="{x:.1f}" y1="{_TOP}" x2="{x:.1f}" y2="{plot_bottom}"/>')
        out.append(f'<text x="{x:.1f}" y="{plot_bottom + 16}" text-anchor="middle">{tick:g}</text>')
    out.append("</g>")
    y = _TOP
    for row, result, cell, band_h in bands:
        cls = "band baseline" if row["baseline"] else "band"
        out.append(f'<g class="submission{" error" if cell["status"] == "error" else ""}" '
                   f'data-solver="{_e(row["solver"])}">')
        out.append(f'<rect class="{cls}" x="0" y="{y}" width="{_W}" height="{band_h}" rx="6"/>')
        label = _shorten(row["display_name"], 21)
        out.append(f'<text class="solver-label" x="10" y="{y + _BAND_PAD + 13}"><title>{_e(row["display_name"])} '
                   f'({_e(row["method"])})</title>{_e(label)}</text>')
        if cell["status"] != "error":
            out.append(f'<text class="claim-label" x="10" y="{y + _BAND_PAD + 28}">'
                       f'{_e(row["method"])} · score {_score(cell["score"])}</text>')
        if cell["status"] == "error":
            out.append(f'<text class="error-text" x="{_LABEL_W}" y="{y + _BAND_PAD + 13}">'
                       f'<title>{_e(_shorten(cell["error"], 600))}</title>'
                       f'error: {_e(_shorten(cell["error"], 110))}</text>')
        for lane, claim in enumerate(_claims(result) if cell["status"] != "error" else []):
            cy = y + _BAND_PAD + lane * _LANE_H + _LANE_H / 2
            value, threshold = _float(claim.get("value")), _float(claim.get("threshold"))
            passed = "pass" if claim.get("passed") is True else "fail"
            out.append(f'<g class="claim-row" data-kind="{_e(claim.get("kind"))}">'
                       f'<title>{_e(_claim_tooltip(claim, value, threshold))}</title>')
            out.append(f'<rect class="lane-bg" x="{_LABEL_W - 4}" y="{cy - _LANE_H / 2:.1f}" '
                       f'width="{_PLOT_X1 - _LABEL_W + 8}" height="{_LANE_H}"/>')
            name = _shorten(f"{_one_line(claim.get('kind'))}: {_one_line(claim.get('name'))}", 26)
            out.append(f'<text class="claim-label" x="{_LABEL_W}" y="{cy + 3.5:.1f}">{_e(name)}</text>')
            if value is not None and threshold is not None:
                out.append(f'<line class="gap {passed}" x1="{_x(threshold):.1f}" y1="{cy:.1f}" '
                           f'x2="{_x(value):.1f}" y2="{cy:.1f}"/>')
            ci = claim.get("ci")
            if isinstance(ci, (list, tuple)) and len(ci) == 2:
                lo, hi = _float(ci[0]), _float(ci[1])
                if lo is not None and hi is not None:
                    out.append(f'<line class="ci" x1="{_x(lo):.1f}" y1="{cy:.1f}" x2="{_x(hi):.1f}" y2="{cy:.1f}"/>')
            if threshold is not None:
                tx = _x(threshold)
                out.append(f'<line class="threshold" x1="{tx:.1f}" y1="{cy - 7:.1f}" x2="{tx:.1f}" '
                           f'y2="{cy + 7:.1f}"/>')
            if value is None:
                out.append(f'<circle class="claim {passed} na" cx="{_PLOT_X0 + 6:.1f}" cy="{cy:.1f}" r="4.5"/>')
            else:
                clipped = " clipped" if not (X_MIN <= value <= X_MAX) else ""
                out.append(f'<circle class="claim {passed}{clipped}" cx="{_x(value):.1f}" cy="{cy:.1f}" r="5.5" '
                           f'data-value="{value:.6g}"/>')
            out.append("</g>")
        out.append("</g>")
        y += band_h + _GAP
    out.append("</svg>")
    return "".join(out)


_LEGEND = (
    '<div class="legend" aria-hidden="true">'
    '<span><svg viewBox="0 0 26 14"><circle cx="13" cy="7" r="5" fill="#2f9e64"/></svg>claim passed</span>'
    '<span><svg viewBox="0 0 26 14"><circle cx="13" cy="7" r="5" fill="#d64545"/></svg>claim failed</span>'
    '<span><svg viewBox="0 0 26 14"><line x1="13" y1="1" x2="13" y2="13" stroke="#334155" stroke-width="2"/>'
    '</svg>threshold</span>'
    '<span><svg viewBox="0 0 26 14"><line x1="2" y1="7" x2="24" y2="7" stroke="#8a94a3" stroke-width="1.2"/>'
    '</svg>confidence interval</span>'
    '<span><svg viewBox="0 0 26 14"><circle cx="13" cy="7" r="5" fill="#fff" stroke="#d64545" stroke-width="2"/>'
    "</svg>no value</span>"
    f"<span>values clipped to [{X_MIN:g}, {X_MAX:g}] (black ring); hover a claim for details</span>"
    "</div>"
)


def render_html(results: Iterable[Mapping[str, Any]], puzzles: Sequence[str], generated_at: Any,
                commit: str | None, *, notes: Sequence[str] = ()) -> str:
    """The leaderboard as one static HTML page: a sortable summary table and a claims chart per puzzle.

    No external CSS, JavaScript, fonts or images; the Content-Security-Policy forbids fetching anything and
    runs only the page's own inline script (pinned by its sha256), so untrusted text cannot run as script.
    """
    results = list(results)
    puzzles = list(dict.fromkeys(puzzles))
    rows = rank(results, puzzles)
    chosen = _select(results, puzzles)
    script_hash = base64.b64encode(hashlib.sha256(_SCRIPT.encode("utf-8")).digest()).decode("ascii")
    csp = (f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{script_hash}'; img-src data:; "
           "base-uri 'none'; form-action 'none'")
    when, sha = _e(_when(generated_at)), _e(commit or "unknown")
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        "<title>interp-puzzles leaderboard</title>",
        f"<style>{_STYLE}</style></head><body><main>",
        '<header><h1>interp-puzzles leaderboard</h1>',
        f'<p class="meta" id="provenance">Produced by <code>make leaderboard</code> on {when} at commit '
        f"<code>{sha}</code>.</p></header>",
        '<section class="card" id="overview"><h2>Summary</h2>',
        _summary_html(rows, puzzles) if rows else "<p>No results yet.</p>",
        f'<p class="note">Ranked by puzzles solved, then mean score over all {len(puzzles)} puzzles (a missing '
        f"puzzle or an error counts as 0). Baselines are ranked like everyone else and shown shaded. "
        f"{CHECK} solved · {MISSING} no submission · click a column header to sort.</p>",
    ]
    notes = [_one_line(note) for note in notes if _one_line(note)]
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
        entries = _puzzle_standings(chosen, rows, puzzle)
        out.append(f'<section class="card puzzle" id="puzzle-{_e(slug)}" data-puzzle="{_e(puzzle)}">'
                   f"<h2><code>{_e(puzzle)}</code></h2>")
        if not entries:
            out.append('<p class="missing">No submissions.</p></section>')
            continue
        out.append(_puzzle_table_html(entries))
        out.append('<div class="chart-wrap">' + _chart_html(puzzle, entries) + "</div>")
        out.append(_LEGEND)
        absent = [r for r in rows if (r["solver"], puzzle) not in chosen]
        if absent:
            out.append('<p class="note">No submission from: '
                       + ", ".join(_e(r["display_name"]) for r in absent) + ".</p>")
        out.append("</section>")
    out.append(f"<footer>interp-puzzles · generated {when} · commit {sha}</footer></main>")
    out.append(f"<script>{_SCRIPT}</script></body></html>")
    return "\n".join(out) + "\n"
