"""The hypothesis format: plain dataclasses a solver fills in, one module per puzzle.

    from harness.hypothesis import Hypothesis, Circuit, Attention, Scrubbing, PathClaim, Algorithm, Interchange

    hypothesis = Hypothesis(puzzle="rederive_position", claims=[Circuit(["embed", "L0H0", "L1H0[1:10]"]), ...])

Functions in claims receive numpy arrays from the grader and return numpy arrays; the grader never
needs anything else from them. Components are named `embed`, `pos_embed`, `L1H0` (layer 1, head 0),
`MLP0`, optionally restricted to positions (`L1H0[3]`, `L1H0[1,2]`, `L1H0[1:10]`); path targets are
a head's input (`L1H0.q`, `.k`, `.v`), `MLP1`, or `logits`.
"""

from __future__ import annotations

import importlib.util
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

TokensFn = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Circuit:
    """These components, and nothing else, do the task (faithfulness, minimality, random baseline)."""

    components: Sequence[str]  # component names, optionally with positions
    name: str = "circuit"
    kind = "circuit"


@dataclass(frozen=True)
class Attention:
    """Head `head` at `queries` attends to the keys `rule(tokens)` gives.

    rule(tokens [batch, pos]) -> int [batch, pos] (one key per query, -1 = none)
                              or bool [batch, query, key] (a set of keys per query).
    """

    head: str
    rule: TokensFn
    queries: Sequence[int] | None = None  # default: the task's positions
    name: str = "attention"
    kind = "attention"


@dataclass(frozen=True)
class Scrubbing:
    """`component` depends on the input only through `feature`: resampling it among inputs with equal
    feature values keeps the metric. feature(tokens [batch, pos]) -> values [batch, pos] (integers);
    a value is compared across every (row, position) unit the component is claimed at."""

    component: str
    feature: TokensFn
    name: str = "scrubbing"
    kind = "scrubbing"


@dataclass(frozen=True)
class PathClaim:
    """`source` affects the metric only through `target` (`L1H0.q`, `L1H0.k`, `L1H0.v`, `MLP1` or `logits`)."""

    source: str
    target: str
    name: str = "path"
    kind = "path"


@dataclass(frozen=True)
class Algorithm:
    """The model computes `predict`: tokens -> labels [batch, pos] (int, -1 = no prediction)
    or probabilities [batch, pos, vocab]. `explains` names the components this accounts for."""

    predict: TokensFn
    explains: Sequence[str] = ()
    name: str = "algorithm"
    kind = "algorithm"


@dataclass(frozen=True)
class Interchange:
    """High-level variable `variable(tokens) -> values [batch, pos]` lives in `component`: patching the
    component from a source input makes the model output `predict(base_tokens, source_values)`."""

    component: str
    variable: TokensFn
    predict: Callable[[np.ndarray, np.ndarray], np.ndarray]
    name: str = "interchange"
    kind = "interchange"


Claim = Circuit | Attention | Scrubbing | PathClaim | Algorithm | Interchange
CLAIM_TYPES = (Circuit, Attention, Scrubbing, PathClaim, Algorithm, Interchange)
FUNCTION_FIELDS = {"attention": ("rule",), "scrubbing": ("feature",), "algorithm": ("predict",),
                   "interchange": ("variable", "predict")}


@dataclass(frozen=True)
class Hypothesis:
    puzzle: str  # the puzzle's name
    claims: Sequence[Claim]  # what the solver claims
    description: str = ""  # one paragraph: the mechanism in words
    metadata: dict[str, Any] = field(default_factory=dict)


class HypothesisError(ValueError):
    """A hypothesis module cannot be used: raised before any model runs."""


def check_claim_types(hypothesis: Hypothesis, prefix: str = "C") -> None:
    """Every claim is one of the claim classes and its function fields are callable."""
    for i, claim in enumerate(hypothesis.claims):
        if not isinstance(claim, CLAIM_TYPES):
            raise HypothesisError(f"{prefix}laim {i} is a {type(claim).__name__}, not one of "
                                  f"{', '.join(t.__name__ for t in CLAIM_TYPES)}. Use the classes in harness.hypothesis.")
        for attr in FUNCTION_FIELDS.get(claim.kind, ()):
            if not callable(getattr(claim, attr)):
                raise HypothesisError(f"{prefix}laim {i} ({claim.kind}) field `{attr}` is not callable. Pass a function.")


def load_hypothesis(path: Path | str) -> Hypothesis:
    """Import a hypothesis module from a file and return its `hypothesis` object."""
    path = Path(path)
    if not path.is_file():
        raise HypothesisError(f"{path}: no such hypothesis file. Pass the path of a .py module that defines `hypothesis`.")
    name = f"interp_puzzles_hypothesis_{uuid.uuid4().hex}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise HypothesisError(f"{path}: cannot be imported as a Python module. Give it a .py name.")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # noqa: BLE001 - the solver's code may raise anything
        raise HypothesisError(f"{path}: importing it raised {exc.__class__.__name__}: {exc}. Fix the module.") from exc
    finally:
        sys.modules.pop(name, None)
    hypothesis = getattr(module, "hypothesis", None)
    if not isinstance(hypothesis, Hypothesis):
        raise HypothesisError(f"{path}: defines no `hypothesis = Hypothesis(...)` at module level. Add one.")
    check_claim_types(hypothesis, f"{path}: c")
    return hypothesis


def puzzle_data(puzzle: str):
    """A puzzle's public data module (its `data.py`), e.g. to reuse its corpus or templates in a hypothesis."""
    from .data import load_hook
    from .registry import load_declaration_by_name

    decl = load_declaration_by_name(puzzle)
    return sys.modules[load_hook(decl, decl.data.generator, "data.generator").__module__]


def module_attribute(path: Path | str, attribute: str, default: Any = None) -> Any:
    """A module-level attribute of a hypothesis file (used for decoys' EXPECTED_FAILURES)."""
    path = Path(path)
    spec = importlib.util.spec_from_file_location(f"interp_puzzles_meta_{uuid.uuid4().hex}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, attribute, default)
