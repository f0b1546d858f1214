"""Shared fixtures for `pytest puzzles`: each puzzle is loaded once per session, and so is its grading sample
at the default seed (the leaderboard also grades every submission of a puzzle on one prepared sample).

`sample(name)` is the sample grade() would prepare: every input of a puzzle that enumerates them.
`sample(name, sampled=True)` is `[grading] n` rows drawn at the default seed even there: references and decoys are
graded on it (0.3-2 s each instead of 4-20 s on all 12,769 inputs of a modular puzzle); `make bench` grades every
decoy of those puzzles on every input (tests/benchmarks/test_exhaustive_decoys.py), and every reference and true
variant on every input at 20 random seeds (tests/benchmarks/test_seed_stability.py)."""

import functools

import pytest
import torch

import harness
from harness.grader import prepare_sample
from harness.grading.grader import exhaustive_n

torch.set_num_threads(2)


@functools.lru_cache(maxsize=None)
def cached_puzzle(name: str) -> harness.Puzzle:
    return harness.load_puzzle(name)


@functools.lru_cache(maxsize=None)
def cached_sample(name: str, sampled: bool = False):
    """The grading sample of `name` at its declared seed and size (see above), prepared once."""
    puzzle = cached_puzzle(name)
    spec = puzzle.declaration.grading
    return prepare_sample(puzzle, spec.seed, spec.n if sampled else exhaustive_n(puzzle) or spec.n)


@pytest.fixture
def load():
    return cached_puzzle


@pytest.fixture
def sample():
    return cached_sample
