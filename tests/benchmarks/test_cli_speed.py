"""CLI start-up: `interp-puzzles --help` and each subcommand's `--help` answer without importing torch.

`make bench` times them (the goal is under 0.5 s each on this project's 2-core machines); `make test` runs each
once as an ordinary test, which also checks that the help text comes out and torch is not imported.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

SUBCOMMANDS = ["", "list", "show", "evaluate", "train", "grade", "leaderboard"]


def _help(subcommand: str) -> tuple[str, float]:
    args = [sys.executable, "-X", "importtime", "-m", "harness.cli", *([subcommand] if subcommand else []), "--help"]
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    return done.stdout + "\n" + done.stderr, time.perf_counter() - start


@pytest.mark.parametrize("subcommand", SUBCOMMANDS)
def test_help_is_fast(benchmark, subcommand):
    output, seconds = benchmark.pedantic(lambda: _help(subcommand), rounds=3, iterations=1)
    assert "usage: interp-puzzles" in output
    imported = {line.split("|")[-1].strip() for line in output.splitlines() if line.startswith("import time:")}
    assert "torch" not in imported and "transformer_lens" not in imported, "--help imported torch"
    benchmark.extra_info.update(subcommand=subcommand or "(top level)", seconds=round(seconds, 3))
