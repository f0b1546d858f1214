"""The README and docs/: every relative link points at a file that exists, and every #anchor at a heading there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


def anchors(page: Path) -> set[str]:
    return {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-")
            for h in re.findall(r"(?m)^#{1,6} (.*)$", page.read_text(encoding="utf-8"))}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_relative_links_resolve(page):
    for target in re.findall(r"\]\(([^)\s]+)\)", page.read_text(encoding="utf-8")):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        path, _, anchor = target.partition("#")
        dest = (page.parent / path).resolve() if path else page
        assert dest.exists(), f"{page.name} links to {target}, which does not exist"
        if anchor and dest.suffix == ".md":
            assert anchor in anchors(dest), f"{page.name} links to {target}: no such heading in {dest.name}"


def test_the_readme_is_a_first_five_minutes_page():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(text) < 15_000, f"README.md is {len(text)} characters; move reference material to docs/"
    assert "make leaderboard" in text and "make test" in text
