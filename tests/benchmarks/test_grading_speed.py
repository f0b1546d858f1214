"""Grading speed: each toy puzzle's reference, against one bare forward pass on the same grading sample.

`make test` runs these once as ordinary tests (pytest-benchmark is disabled by the project's addopts);
`make bench` (`pytest tests/benchmarks --benchmark-enable`) times them. Each benchmark records in
extra_info the grade time, the time of one forward pass of the model on the 2n grading rows (graded
rows and their resampling sources), and the ratio of the two; the ratio is printed as well.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import torch

import harness.grader
from harness.grader import grade

REFERENCE = Path(__file__).resolve().parents[2] / "solutions" / "reference"
TOY = ["bigram_0l", "rederive_position", "previous_token_mlp", "permutation_listing"]


def forward_seconds(puzzle, budget: float = 0.3) -> float:
    """The fastest of several timings (at least 3, about `budget` seconds in all) of one forward pass
    on the grading sample: 2 * grading.n rows drawn with the grading seed."""
    spec = puzzle.declaration.grading
    tokens = puzzle.tensors(puzzle.generate(2 * spec.n, spec.seed))["tokens"]
    timings: list[float] = []
    with torch.no_grad():
        puzzle.model(tokens)  # warm-up
        stop = time.perf_counter() + budget
        while len(timings) < 3 or (time.perf_counter() < stop and len(timings) < 100):
            start = time.perf_counter()
            puzzle.model(tokens)
            timings.append(time.perf_counter() - start)
    return min(timings)


@pytest.mark.parametrize("name", TOY)
def test_grade_reference(benchmark, shipped, monkeypatch, capsys, name):
    puzzle = shipped(name)
    forward = forward_seconds(puzzle)

    timings: list[float] = []

    def run():
        start = time.perf_counter()
        report = grade(REFERENCE / f"{name}.py", puzzle=puzzle)
        timings.append(time.perf_counter() - start)
        return report

    # a warm-up (first-call costs) then the fastest of 3 rounds: this VM's timings vary by ±30% run to run
    report = benchmark.pedantic(run, rounds=3, iterations=1, warmup_rounds=1)
    seconds = min(timings[1:] or timings)
    assert report.solved, report.failures
    ratio = seconds / forward
    benchmark.extra_info.update(puzzle=name, n=report.n, rows_forward=2 * report.n, grade_seconds=round(seconds, 4),
                                forward_seconds=round(forward, 6), grade_over_forward=round(ratio, 1))
    with capsys.disabled():
        print(f"\n{name}: grade {seconds:.3f} s, one forward pass on {2 * report.n} rows {forward * 1e3:.1f} ms, "
              f"ratio {ratio:.0f}x")
