"""Small things many test files share (importable from any test: tests/conftest.py puts this folder on sys.path).

rederive_position has 10 positions; its L1H0 copies the previous token, which L0H0 finds by attending to the
previous position — the functions below are that mechanism's answers, for hypotheses written in tests.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO / "solutions" / "reference"
RP = "rederive_position"
CIRCUIT = ["embed[0:9]", "L0H0[1:9]", "L1H0[1:10]"]  # rederive_position's circuit, as the reference claims it


def reference(name: str) -> Path:
    """The project's reference hypothesis for puzzle `name`."""
    return REFERENCE / f"{name}.py"


def previous_token(tokens: np.ndarray) -> np.ndarray:
    """The token one position back (-1 at position 0)."""
    out = np.full(tokens.shape, -1)
    out[:, 1:] = tokens[:, :-1]
    return out


def previous_position(tokens: np.ndarray) -> np.ndarray:
    """Key q-1 for query q (-1 at position 0)."""
    return np.broadcast_to(np.arange(tokens.shape[1]) - 1, tokens.shape).copy()


def by_kind(report, kind: str) -> list:
    """A report's claim results of one kind."""
    return [c for c in report.claims if c.kind == kind]
