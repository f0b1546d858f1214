"""The hypothesis format: plain dataclasses a solver fills in, one module per puzzle.

    from harness.hypothesis import Hypothesis, Circuit, Attention, Scrubbing, PathClaim, Algorithm, Interchange, Subspace

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
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from .errors import HypothesisError

TokensFn = Callable[[np.ndarray], np.ndarray]


def _f(wire: str, role: str | None = None, group: str | None = None, **kwargs: Any) -> Any:
    """A claim field and how it travels: wire = text | name | names | positions | array | function; role = component
    (a component the claim is about or lists, checked against the puzzle), target (a path target) or span (what gives
    a subspace: relabelling compares it by the span it gives). group, for optional fields: "all:NAME" — the fields of
    group NAME are given all or none; "one:NAME" — exactly one of them is given."""
    return field(metadata={"wire": wire, "role": role, "group": group}, **kwargs)


@dataclass(frozen=True)
class Circuit:
    """These components, and nothing else, do the task (faithfulness, minimality, random baseline)."""

    components: Sequence[str] = _f("names", "component")  # component names, optionally with positions
    name: str = _f("text", default="circuit")
    kind = "circuit"


@dataclass(frozen=True)
class Attention:
    """Head `head` attends to the keys `rule(tokens)` gives, at the puzzle's query positions.

    rule(tokens [batch, pos]) -> int [batch, pos] (one key per query, -1 = none)
                              or bool [batch, query, key] (a set of keys per query).
    """

    head: str = _f("name", "component")
    rule: TokensFn = _f("function")
    queries: Sequence[int] | None = _f("positions", default=None)  # extra queries; the puzzle's are always judged
    name: str = _f("text", default="attention")
    kind = "attention"


@dataclass(frozen=True)
class Scrubbing:
    """`component` depends on the input only through `feature`: resampling it among inputs with equal
    feature values keeps the metric. feature(tokens [batch, pos]) -> values [batch, pos] (integers);
    a value is compared across every (row, position) unit the component is claimed at."""

    component: str = _f("name", "component")
    feature: TokensFn = _f("function")
    name: str = _f("text", default="scrubbing")
    kind = "scrubbing"


@dataclass(frozen=True)
class PathClaim:
    """`source` affects the metric only through `target` (`L1H0.q`, `.k`, `.v`, several as `L1H0.qk`, `MLP1`
    or `logits`; several readers joined by `+`, e.g. `L1H0.k+L1H1.k`)."""

    source: str = _f("name", "component")
    target: str = _f("name", "target")
    name: str = _f("text", default="path")
    kind = "path"


@dataclass(frozen=True)
class Algorithm:
    """The model computes `predict`: tokens -> labels [batch, pos] (int, -1 = no prediction)
    or probabilities [batch, pos, vocab]. Behavioural: it explains no component (`explains` is kept for
    old hypotheses and ignored by the criterion; locate variables with Interchange claims)."""

    predict: TokensFn = _f("function")
    explains: Sequence[str] = _f("names", "component", default=())
    name: str = _f("text", default="algorithm")
    kind = "algorithm"


@dataclass(frozen=True)
class Interchange:
    """High-level variable `variable(tokens) -> values [batch, pos]` lives in `component`: patching the
    component from a source input makes the model output `predict(base_tokens, source_values)`."""

    component: str = _f("name", "component")
    variable: TokensFn = _f("function")
    predict: Callable[[np.ndarray, np.ndarray], np.ndarray] = _f("function")
    name: str = _f("text", default="interchange")
    kind = "interchange"


@dataclass(frozen=True)
class Subspace:
    """`component`'s output matters only through a span S of its d output dimensions (d_model for embed, pos_embed
    and MLPs; d_head for a head's `z`). Keeping only the projection on S keeps the component's effect (restricted),
    removing it destroys the effect (excluded), and k = dim S ≤ d / `subspace_factor`. Give S in exactly one way:

    - `basis`: rows of a [k, d] array, computed offline or from the puzzle's public data (orthonormalised, k = its
      rank);
    - `features`: features(tokens [batch, pos]) -> float [batch, pos, f], f ≥ 1 finite features of the input at each
      (row, position). The grader fits, on its source sample only (never the graded rows), the least-squares map
      from [features, 1] to the component's output at the claimed units, pooled over them; S is the row space of
      the fitted map without its intercept (its rank, up to a relative tolerance of 1e-6, is k). So the hypothesis
      names what the component encodes (e.g. cos and sin of 2π f x / 113 for a few frequencies f) and the model's
      own weights supply where: no table read off the model travels in the hypothesis. The result reports the fit's
      R² on the graded rows.

    With `variable` and `predict` (as in Interchange), patching only the projection from a source input makes the
    model output `predict(base_tokens, variable(source_tokens))`: the variable lives in the subspace."""

    component: str = _f("name", "component")
    basis: Any = _f("array", "span", "one:span", default=None)
    variable: TokensFn | None = _f("function", group="all:variable", default=None)
    predict: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = _f("function", group="all:variable", default=None)
    name: str = _f("text", default="subspace")
    features: TokensFn | None = _f("function", "span", "one:span", default=None)
    kind = "subspace"


Claim = Circuit | Attention | Scrubbing | PathClaim | Algorithm | Interchange | Subspace
CLAIM_TYPES = (Circuit, Attention, Scrubbing, PathClaim, Algorithm, Interchange, Subspace)
CLAIM_KINDS = {cls.kind: cls for cls in CLAIM_TYPES}  # the registry: everything below is derived from it


def wire_fields(kind: str) -> dict[str, str]:
    """{field: wire type} of a claim kind's non-function fields, in declaration order."""
    return {f.name: f.metadata["wire"] for f in fields(CLAIM_KINDS[kind]) if f.metadata["wire"] != "function"}


def component_fields(kind: str) -> tuple[str, ...]:
    """The fields of a claim kind that name components of the puzzle."""
    return tuple(f.name for f in fields(CLAIM_KINDS[kind]) if f.metadata["role"] == "component")


FUNCTION_FIELDS = {kind: tuple(f.name for f in fields(cls) if f.metadata["wire"] == "function")
                   for kind, cls in CLAIM_KINDS.items()}
OPTIONAL_FIELDS = {kind: tuple(f.name for f in fields(cls) if f.default is None)
                   for kind, cls in CLAIM_KINDS.items()}  # fields that may be None (see presence_problem)
OPTIONAL_FUNCTIONS = {kind: tuple(name for name in OPTIONAL_FIELDS[kind] if name in FUNCTION_FIELDS[kind])
                      for kind in CLAIM_KINDS}  # function fields that may be None


def span_fields(kind: str) -> tuple[str, ...]:
    """The fields of a claim kind that give a subspace (a basis, or features the grader fits it from)."""
    return tuple(f.name for f in fields(CLAIM_KINDS[kind]) if f.metadata["role"] == "span")


def presence_problem(kind: str, given: set[str]) -> str | None:
    """What is wrong with which optional fields a claim of `kind` gives (the names in `given` are not None), as the
    end of a sentence "Claim 3 (subspace) ..."; None when nothing is: a group "all:NAME" is given all or none, of a
    group "one:NAME" exactly one field."""
    groups: dict[str, list[str]] = {}
    for f in fields(CLAIM_KINDS[kind]):
        if f.metadata["group"]:
            groups.setdefault(f.metadata["group"], []).append(f.name)
    for group, names in groups.items():
        present = [n for n in names if n in given]
        listed = ", ".join(names)
        if group.startswith("all:") and present and len(present) < len(names):
            return f"gives only some of {listed}; give all of them or none"
        if group.startswith("one:") and len(present) != 1:
            return f"gives {' and '.join(present) if present else f'none of {listed}'}; give exactly one of them"
    return None


@dataclass(frozen=True)
class Hypothesis:
    puzzle: str  # the puzzle's name
    claims: Sequence[Claim]  # what the solver claims
    description: str = ""  # one paragraph: the mechanism in words
    metadata: dict[str, Any] = field(default_factory=dict)




def check_claim_types(hypothesis: Hypothesis, prefix: str = "") -> None:
    """Every claim is exactly one of the claim classes with well-formed fields (harness.wire.to_wire's checks)."""
    from .wire import to_wire

    try:
        to_wire(hypothesis)
    except HypothesisError as exc:
        raise HypothesisError(f"{prefix}{exc}") from None


def load_hypothesis(path: Path | str, source: str | None = None) -> Hypothesis:
    """Import a hypothesis module from a file (or from its text, without docstrings) and return its `hypothesis`."""
    return hypothesis_of(import_module(path, source), path)


def import_module(path: Path | str, source: str | None = None):
    """Import a hypothesis file as a module of its own (a sentence naming the file where it cannot be).

    source: the module's text, already read (the grading worker reads it before its sandbox closes); the module
    then runs without its docstrings (harness.description), as every graded submission does."""
    path = Path(path)
    if source is None and not path.is_file():
        raise HypothesisError(f"{path}: no such hypothesis file. Pass the path of a .py module that defines `hypothesis`.")
    name = f"interp_puzzles_hypothesis_{uuid.uuid4().hex}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise HypothesisError(f"{path}: cannot be imported as a Python module. Give it a .py name.")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        if source is None:
            spec.loader.exec_module(module)
        else:
            from .description import code_without_docstrings

            code = code_without_docstrings(source, path)
            module.__doc__ = ""
            exec(code, module.__dict__)  # noqa: S102 - the submission's own code, inside the grading worker
    except Exception as exc:  # noqa: BLE001 - the solver's code may raise anything
        raise HypothesisError(f"{path}: importing it raised {exc.__class__.__name__}: {exc}. Fix the module.") from exc
    finally:
        sys.modules.pop(name, None)
    return module


def hypothesis_of(module, path: Path | str) -> Hypothesis:
    """The module's `hypothesis`, its claims checked."""
    hypothesis = getattr(module, "hypothesis", None)
    if not isinstance(hypothesis, Hypothesis):
        raise HypothesisError(f"{path}: defines no `hypothesis = Hypothesis(...)` at module level. Add one.")
    check_claim_types(hypothesis, f"{path}: ")
    return hypothesis


def puzzle_data(puzzle: str):
    """A puzzle's public data module (its `data.py`), e.g. to reuse its corpus or templates in a hypothesis."""
    from .puzzle.data import data_module
    from .puzzle.registry import load_declaration_by_name

    return data_module(load_declaration_by_name(puzzle))


def module_attribute(path: Path | str, attribute: str, default: Any = None) -> Any:
    """A module-level attribute of a hypothesis file (used for decoys' EXPECTED_FAILURES)."""
    path = Path(path)
    spec = importlib.util.spec_from_file_location(f"interp_puzzles_meta_{uuid.uuid4().hex}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, attribute, default)
