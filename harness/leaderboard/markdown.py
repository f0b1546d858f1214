"""The leaderboard as GitHub-flavoured Markdown: a summary table (then notes), then one table per puzzle.

    render_markdown(results, puzzles, generated_at, commit, *, notes=(), universality=None) -> str

Every string taken from a result is untrusted: `_md` keeps it on one line, escapes table pipes and turns
<, >, & into entities, so a name cannot open raw HTML that would swallow the rest of the page.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping, Sequence

from tabulate import tabulate

from .rank import (CHECK, MISSING, Row, one_line, rank, records, score_text, select, shorten, standings,
                   summary_cell_text, when)
from .record import ResultRecord


def _md(text: Any) -> str:
    """One line of Markdown text: pipes escaped for tables, and <, >, & as entities so that an untrusted name
    cannot open raw HTML (a comment or a tag) that would swallow the rest of the page; it still reads as typed."""
    text = one_line(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\\", "\\\\").replace("|", "\\|")


def _md_solver(row: Row) -> str:
    name = _md(row.display_name)
    link = row.link
    if isinstance(link, str) and re.match(r"https?://\S+$", link):
        label = name.replace("[", "\\[").replace("]", "\\]")
        target = link.replace(")", "%29").replace("|", "%7C")
        name = f"[{label}]({target})"
    return name


def _md_method(row: Row) -> str:
    return f"*{_md(row.method)}*" if row.baseline else _md(row.method)


def render_markdown(results: Iterable[ResultRecord | Mapping[str, Any]], puzzles: Sequence[str], generated_at: Any,
                    commit: str | None, *, notes: Sequence[str] = (), universality: Mapping[str, str] | None = None) -> str:
    """The leaderboard as GitHub-flavoured Markdown: a summary table (then `notes`), then one table per puzzle
    (under its heading, the puzzle's `universality` line when there is one)."""
    universality = universality or {}
    results = records(results)
    puzzles = list(dict.fromkeys(puzzles))
    rows = rank(results, puzzles)
    chosen = select(results, puzzles)
    lines = [
        "# Leaderboard", "",
        f"Produced by `make leaderboard` on {_md(when(generated_at))} at commit `{_md(commit or 'unknown')}`. "
        f"Ranked by puzzles solved, then mean score over all {len(puzzles)} puzzles (a missing puzzle or an "
        f"error counts as 0); baselines are ranked like everyone else. {CHECK} = solved, {MISSING} = no submission.",
        "",
    ]
    headers = ["rank", "solver", "method", "puzzles solved", "mean score", *[_md(p) for p in puzzles]]
    table = [[str(r.rank), _md_solver(r), _md_method(r), f"{r.solved}/{len(puzzles)}", score_text(r.mean_score),
              *[summary_cell_text(r.puzzles[p]) for p in puzzles]] for r in rows]
    if rows:
        lines.append(tabulate(table, headers=headers, tablefmt="github", disable_numparse=True,
                              colalign=("right", "left", "left", "right", "right", *["right"] * len(puzzles))))
    else:
        lines.append("No results yet.")
    notes = [_md(note) for note in notes if one_line(note)]
    if notes:
        lines += ["", "Notes:", ""] + [f"- {note}" for note in notes]
    for puzzle in puzzles:
        lines += ["", f"## {_md(puzzle)}", ""]
        if puzzle in universality:
            lines += [_md(universality[puzzle]), ""]
        entries = standings(chosen, rows, puzzle)
        if not entries:
            lines.append("No submissions.")
            continue
        table = []
        for row, _result, cell in entries:
            error = cell.status == "error"
            table.append([
                _md_solver(row), _md_method(row), "error" if error else score_text(cell.score),
                "error" if error else ("yes" if cell.solved else "no"),
                f"{cell.claims_passed}/{cell.claims_total}",
                _md(shorten(("error: " if error else "") + cell.first_failure, 100)),
            ])
        lines.append(tabulate(table, headers=["solver", "method", "score", "solved", "claims passed",
                                              "first failure / error"],
                              tablefmt="github", disable_numparse=True,
                              colalign=("left", "left", "right", "left", "right", "left")))
        absent = [r for r in rows if (r.solver, puzzle) not in chosen]
        if absent:
            lines += ["", "No submission from: " + ", ".join(_md(r.display_name) for r in absent) + "."]
    return "\n".join(lines) + "\n"
