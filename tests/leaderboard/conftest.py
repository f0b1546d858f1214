"""Fixtures shared by the leaderboard's tests: the fixed sample of result files the pages are rendered from
(tests/fixtures/results_sample/<solver>/<puzzle>.json; described in test_html.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

SAMPLE = Path(__file__).parents[1] / "fixtures" / "results_sample"


def load_sample() -> list[dict]:
    files = sorted(SAMPLE.glob("*/*.json"))
    assert len(files) == 10, files
    return [json.loads(f.read_text(encoding="utf-8")) for f in files]


@pytest.fixture(scope="module")
def results():
    return load_sample()
