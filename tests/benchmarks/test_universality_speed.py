"""Universality time per seed: retraining a toy puzzle from its recipe, then grading its reference and every decoy
on the new checkpoint (`harness.universality.checkpoint_for` and `seed_result`, what `interp-puzzles universality`
does for each seed).

Training time is its set-up plus a steady time per step, so `make bench` trains each toy puzzle for STEPS steps
into a fresh cache and records the set-up, the seconds per step (from step WARM on) and the full seed's training
projected from them (set-up + seconds per step × the declared steps), beside the time to grade the reference (and
its relabelled form, where it has a rule) and every decoy on that checkpoint — which depends on the puzzle's rows,
not on how long the model trained. `make test` runs bigram_0l for a few steps as an ordinary test.
"""

from __future__ import annotations

import time

import pytest
import torch

from harness.puzzle.registry import list_puzzles, load_declaration_by_name
from harness.universality import checkpoint_for, seed_result

STEPS, WARM = 100, 20  # steps trained per puzzle; steps left out of the per-step rate (first-call costs)
TRAINED = [name for name in list_puzzles() if load_declaration_by_name(name).training is not None]


@pytest.mark.parametrize("name", TRAINED)
def test_universality_seconds_per_seed(benchmark, tmp_path, capsys, name):
    decl = load_declaration_by_name(name)
    if benchmark.disabled:  # `make test`: the path works; `make bench` times every toy puzzle
        if name != "bigram_0l":
            pytest.skip("timed by `make bench` only")
        steps, warm = 4, 1
    else:
        steps, warm = STEPS, WARM
    stamps: list[float] = []
    start = time.perf_counter()
    path, trained = checkpoint_for(decl, seed=1, steps=steps, cache=tmp_path,
                                   on_step=lambda step, loss: stamps.append(time.perf_counter()))
    assert path.is_file() and trained is not None and len(stamps) == steps
    per_step = (stamps[-1] - stamps[warm - 1]) / (steps - warm)
    setup = stamps[0] - start - per_step

    # the seed's grades, the checkpoint now cached (trained_s None: nothing retrained inside the timing)
    result = benchmark.pedantic(lambda: seed_result(name, 1, steps=steps, cache=tmp_path), rounds=1, iterations=1)
    assert result.trained_s is None and result.claims and result.checkpoint == str(path)
    if benchmark.disabled:
        return
    grading = benchmark.stats.stats.min
    projected = setup + per_step * decl.training.steps
    benchmark.extra_info.update(puzzle=name, threads=torch.get_num_threads(), steps_timed=steps,
                                setup_seconds=round(setup, 2), seconds_per_step=round(per_step, 4),
                                declared_steps=decl.training.steps, projected_training_seconds=round(projected, 1),
                                grading_seconds=round(grading, 2))
    with capsys.disabled():
        print(f"\n{name}: training {setup:.1f} s + {per_step * 1000:.1f} ms/step x {decl.training.steps} steps = "
              f"{projected:.0f} s projected; grading the reference and decoys {grading:.1f} s "
              f"({torch.get_num_threads()} threads)")
