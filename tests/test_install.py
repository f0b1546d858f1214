"""A plain `pip install` (a built wheel, not editable) gives every puzzle from any working directory, and a hypothesis
grades there; $INTERP_PUZZLES_DIR still points the harness at a maintainer's own folder of puzzles.

The wheel is built from a copy of the source (nothing is written into the checkout), installed with --target into a
temporary folder, and run from another temporary folder with only that folder on the path (the dependencies come
from this environment).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import harness

REPO = Path(__file__).resolve().parents[1]


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    root = tmp_path_factory.mktemp("install")
    source = root / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO / "harness", source / "harness", ignore=ignore)
    shutil.copytree(REPO / "puzzles", source / "puzzles", ignore=ignore)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "INTERP_PUZZLES_DIR")}
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                  str(root / "dist"), str(source)], cwd=root, env=env)
    assert built.returncode == 0, built.stderr
    (wheel,) = (root / "dist").glob("interp_puzzles-*.whl")
    site = root / "site"
    done = _run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
                cwd=root, env=env)
    assert done.returncode == 0, done.stderr
    work = root / "elsewhere"
    work.mkdir()
    return site, work, {**env, "PYTHONPATH": str(site)}


def _cli(installed, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    site, work, base = installed
    code = ("import sys, harness; assert harness.__file__.startswith(sys.argv[1]), harness.__file__; "
            "from harness.cli import main; sys.exit(main(sys.argv[2:]))")
    return _run([sys.executable, "-c", code, str(site), *args], cwd=work, env=env or base)


def test_an_installed_wheel_lists_every_puzzle_from_anywhere(installed):
    listed = _cli(installed, "list", "--json")
    assert listed.returncode == 0, listed.stderr
    names = [row["name"] for row in json.loads(listed.stdout)]
    assert names == harness.list_puzzles() and len(names) >= 9


def test_an_installed_wheel_grades_a_hypothesis(installed):
    site, work, env = installed
    module = work / "my_bigram.py"
    shutil.copy(REPO / "solutions" / "reference" / "bigram_0l.py", module)
    graded = _cli(installed, "grade", str(module), "--json")
    assert graded.returncode == 0, graded.stdout + graded.stderr  # 0: solved
    report = json.loads(graded.stdout)
    assert report["puzzle"] == "bigram_0l" and report["solved"] is True


def test_interp_puzzles_dir_selects_a_maintainers_own_folder(installed, tmp_path):
    site, work, env = installed
    shutil.copytree(REPO / "puzzles" / "bigram_0l", tmp_path / "my_puzzle", ignore=shutil.ignore_patterns("__pycache__"))
    toml = tmp_path / "my_puzzle" / "puzzle.toml"
    toml.write_text(toml.read_text().replace('name = "bigram_0l"', 'name = "my_puzzle"'))
    listed = _cli(installed, "list", "--json", env={**env, "INTERP_PUZZLES_DIR": str(tmp_path)})
    assert listed.returncode == 0, listed.stderr
    assert [row["name"] for row in json.loads(listed.stdout)] == ["my_puzzle"]


def test_every_subpackage_is_in_the_wheel():
    import tomllib

    declared = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    on_disk = {".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "harness").rglob("__init__.py")}
    assert on_disk <= declared, f"add {sorted(on_disk - declared)} to [tool.setuptools] packages in pyproject.toml"
