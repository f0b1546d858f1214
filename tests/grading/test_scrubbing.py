"""Scrubbing claims (harness/grading/scrubbing.py): scrubbing the only varying input of the outputs restates the
task (vacuous) while a wrong feature still fails; resampling sources are matched on equal or different values."""

from __future__ import annotations

import numpy as np

import harness
from harness.grading import grade
from harness.grading.scrubbing import _match
from harness.hypothesis import Hypothesis, Scrubbing
from helpers import RP, previous_token


def test_scrubbing_the_only_varying_input_of_the_outputs_restates_the_task():
    """min_of_two_ints: at `=` the head's output is all the logits read that changes with the input, so "it
    carries min(a, b)" follows from accuracy and earns nothing; a wrong feature there still fails; a head whose
    outputs are read beside other varying inputs (rederive_position's L1H0) is judged as before."""
    puzzle = harness.load_puzzle("min_of_two_ints")
    right, wrong = grade(Hypothesis("min_of_two_ints", [Scrubbing("L0H0[2]", lambda t: t[:, :2].min(1)),
                                                        Scrubbing("L0H0[2]", lambda t: t[:, :2].max(1))]),
                         puzzle=puzzle, n=1024).claims
    assert right.verdict == "vacuous" and right.failures == ["scrubbing.output_only"] and right.explains == []
    assert wrong.verdict == "fail" and wrong.failures == ["scrubbing"]
    carrier = grade(Hypothesis(RP, [Scrubbing("L1H0[1:10]", previous_token)]), puzzle=harness.load_puzzle(RP),
                    n=128).claims[0]
    assert carrier.passed, carrier.message


def test_sources_are_matched_on_an_equal_value_or_a_different_one():
    """`_match` is how every scrubbing claim picks its resampling sources (the module's only matching rule)."""
    rng = np.random.default_rng(0)
    pool = np.array([3, 1, 3, 2, 1, 3, 5])
    base = np.repeat(np.array([1, 2, 3, 5, 4]), 40)
    same = _match(rng, base, pool, same=True)
    assert (pool[same[base != 4]] == base[base != 4]).all()
    assert (same[base == 4] == -1).all()  # no unit of value 4 in the pool
    assert set(same[base == 3].tolist()) == {0, 2, 5}  # every equal unit can be drawn
    diff = _match(rng, base, pool, same=False)
    assert (diff >= 0).all() and (pool[diff] != base).all()
    assert _match(rng, np.array([7]), np.array([7, 7]), same=False).tolist() == [-1]  # nothing different to draw
