"""The Markdown page (harness/leaderboard/markdown.py) on the fixed sample of result files (the `results` fixture
of tests/leaderboard/conftest.py), and on a few constructed records: untrusted text cannot break a table or open
raw HTML."""

from __future__ import annotations

import copy
import re

from harness.leaderboard.markdown import render_markdown

PUZZLES = ["rederive_position", "previous_token_mlp", "bigram_0l"]
GENERATED = "2026-12-01T12:00:00+00:00"
COMMIT = "0123abc"


def table_rows(block: str) -> list[list[str]]:
    """Cells of a GitHub table (pipes escaped as \\| stay inside their cell), separator row dropped."""
    rows = []
    for line in block.strip().splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if not all(re.fullmatch(r":?-+:?", c) for c in cells):
            rows.append(cells)
    return rows


def test_markdown(results):
    md = render_markdown(results, PUZZLES, GENERATED, COMMIT)
    assert md.startswith("# Leaderboard\n")
    assert "`make leaderboard`" in md and GENERATED in md and COMMIT in md
    sections = md.split("\n## ")
    assert [s.splitlines()[0] for s in sections[1:]] == PUZZLES

    summary = table_rows(sections[0][sections[0].index("|"):])
    assert summary[0] == ["rank", "solver", "method", "puzzles solved", "mean score", *PUZZLES]
    assert all(len(row) == len(summary[0]) for row in summary)
    body = summary[1:]
    assert [row[1] for row in body] == ["[Reference](https://example.org/interp-puzzles/reference)",
                                        "&lt;script&gt;alert(\"pwned\")&lt;/script&gt; &amp; &lt;b&gt;Co&lt;/b&gt;",
                                        "AutoCircuit (ACDC sweep)", "Random circuit"]
    assert [row[0] for row in body] == ["1", "2", "3", "4"]
    assert body[0][3:] == ["3/3", "0.950", "1.000 ✓", "0.950 ✓", "0.900 ✓"]
    assert body[2][3:] == ["1/3", "0.283", "0.850 ✓", "error", "—"]
    assert body[3][2:] == ["*baseline*", "0/3", "0.350", "0.300", "0.300", "0.450"]
    assert "<script>" not in md  # markup in names is shown as text, never as raw HTML
    assert "javascript:" not in md  # a non-http(s) link is dropped

    prev = table_rows(sections[2][sections[2].index("|"):])
    assert prev[0] == ["solver", "method", "score", "solved", "claims passed", "first failure / error"]
    assert all(len(row) == 6 for row in prev)
    assert [row[0] for row in prev[1:]][-1] == "AutoCircuit (ACDC sweep)"  # the error row comes last
    assert prev[-1][2:5] == ["error", "error", "0/0"]
    assert prev[-1][5].startswith("error: HypothesisError: component")
    assert prev[2][4:] == ["1/2", "circuit faithfulness 0.60 &lt; 0.90 \\| pipe \\| and newline"]
    rederive = table_rows(sections[1][sections[1].index("|"):])
    assert [row[4] for row in rederive[1:]] == ["4/4", "2/3", "2/3", "0/2"]
    assert "No submission from: " in sections[3] and "AutoCircuit (ACDC sweep)" in sections[3]

    long = copy.deepcopy(results)
    long[0]["failures"] = ["x" * 500]
    long[0]["solved"] = False
    assert max(map(len, render_markdown(long, PUZZLES, GENERATED, None).splitlines())) < 400  # shortened
    assert "No results yet." in render_markdown([], PUZZLES, GENERATED, None)
    noted = render_markdown(results, PUZZLES, GENERATED, COMMIT, notes=["gpt2_ioi: not graded here (<no GPU>)."])
    assert "\n- gpt2_ioi: not graded here (&lt;no GPU&gt;).\n" in noted.split("\n## ")[0]


def _one(results, **changes) -> dict:
    """One ok result of the sample (reference on bigram_0l), edited."""
    record = copy.deepcopy(next(r for r in results if r["solver"] == "reference" and r["puzzle"] == "bigram_0l"))
    record.update(changes)
    return record


def test_untrusted_names_and_links_cannot_break_out_of_a_cell(results):
    record = _one(results, display_name="a|b\n<!-- [x](y)", link="javascript:alert(1)")
    md = render_markdown([record], ["bigram_0l"], GENERATED, "abc")
    row = next(line for line in md.splitlines() if "a\\|b" in line)
    assert "a\\|b &lt;!-- [x](y)" in row and "<!--" not in md and "javascript" not in md
    linked = render_markdown([_one(results, display_name="[x]", link="https://e.org/a)b")], ["bigram_0l"], GENERATED, None)
    assert "[\\[x\\]](https://e.org/a%29b)" in linked and "commit `unknown`" in linked


def test_a_puzzle_without_results_says_so_and_duplicate_puzzles_are_listed_once(results):
    md = render_markdown([_one(results)], ["bigram_0l", "rederive_position", "bigram_0l"], GENERATED, COMMIT)
    assert [line for line in md.splitlines() if line.startswith("## ")] == ["## bigram_0l", "## rederive_position"]
    assert md.split("## rederive_position\n", 1)[1].strip() == "No submissions."
    assert re.search(r"over all 2 puzzles", md)
