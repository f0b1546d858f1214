"""Fixtures shared by the grading wing's tests (tests/grading/)."""

from __future__ import annotations

import pytest

import harness
import harness.grading.sample


@pytest.fixture
def no_model(monkeypatch):
    """Any attempt to run a model through the grader's Sample fails the test with an AssertionError."""
    def refuse(self, *args, **kwargs):
        raise AssertionError("the model ran before the hypothesis was rejected")
    monkeypatch.setattr(harness.grading.sample.Sample, "__init__", refuse)


@pytest.fixture(scope="module")
def rp():
    """rederive_position with its shipped checkpoint, loaded once per test module."""
    return harness.load_puzzle("rederive_position")
