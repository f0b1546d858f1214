"""The house rules a maintainer can check without reading the code: every module of the package has a test file
mirroring it (harness/X.py -> tests/test_X.py, harness/<wing>/X.py -> tests/<wing>/test_X.py) and no module grows
past 400 lines (split it by concept instead)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
HARNESS = REPO / "harness"
MODULES = sorted(p for p in HARNESS.rglob("*.py") if p.name != "__init__.py" and "_puzzles" not in p.parts)
MAX_LINES = 400


def mirror(module: Path) -> Path:
    rel = module.relative_to(HARNESS)
    return REPO / "tests" / rel.parent / f"test_{rel.name}"


def test_the_package_has_its_four_wings():
    wings = sorted(p.name for p in HARNESS.iterdir() if (p / "__init__.py").is_file())
    assert wings == ["grading", "leaderboard", "puzzle", "sandbox"], wings


@pytest.mark.parametrize("module", MODULES, ids=[str(m.relative_to(HARNESS)) for m in MODULES])
def test_every_module_has_a_test_file_mirroring_it(module):
    assert mirror(module).is_file(), f"{module.relative_to(REPO)} has no {mirror(module).relative_to(REPO)}"


@pytest.mark.parametrize("module", MODULES, ids=[str(m.relative_to(HARNESS)) for m in MODULES])
def test_no_module_is_over_the_line_limit(module):
    lines = len(module.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module.relative_to(REPO)} has {lines} lines; split it (at most {MAX_LINES})"
