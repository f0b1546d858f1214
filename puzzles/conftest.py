"""Shared fixtures for `pytest puzzles`: each puzzle is loaded once per session."""

import functools

import pytest
import torch

import harness

torch.set_num_threads(2)


@functools.lru_cache(maxsize=None)
def cached_puzzle(name: str) -> harness.Puzzle:
    return harness.load_puzzle(name)


@pytest.fixture
def load():
    return cached_puzzle
