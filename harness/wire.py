"""The hypothesis as plain data and back, derived from the claim registry in `harness.hypothesis`.

    spec, functions = to_wire(hypothesis)            # validates every field; HypothesisError names the claim
    hypothesis = from_wire(spec, make_function)      # strict, for data that crossed a process boundary

`spec` is {"puzzle", "description", "metadata", "claims": [{"kind", "name", <fields>, "functions": [...]}]};
`functions` maps (claim index, field) to the callable. The isolated worker sends `spec`; the grading process
rebuilds the hypothesis with stubs that call back into the worker. In-process grading takes the same path,
so a hypothesis is validated the same way wherever it is graded.
"""

from __future__ import annotations

import operator
from typing import Any, Callable

import numpy as np

from .errors import WireError, a_type
from .hypothesis import (CLAIM_KINDS, CLAIM_TYPES, FUNCTION_FIELDS, OPTIONAL_FIELDS, OPTIONAL_FUNCTIONS, Hypothesis,
                         HypothesisError, presence_problem, wire_fields)

MAX_CLAIMS = 10_000  # claims per hypothesis (a sanity bound; the leaderboard grades at most 1,000)
MAX_LIST = 100_000  # entries in one list field
MAX_NAME_CHARS = 1000
MAX_TEXT_CHARS = 1_000_000
MAX_ARRAY = 1_000_000  # numbers in one array field (a subspace basis)


# --- encoding: a solver's objects -> plain data -----------------------------------------------------------------


def _encode(wire: str, value: Any, what: str) -> Any:
    if wire in ("text", "name"):
        if type(value) is not str:
            raise HypothesisError(f"{what} is {a_type(value)}; it must be a string.")
        return value
    if wire == "names":
        if isinstance(value, (str, bytes)):
            raise HypothesisError(f"{what} is a single string; give a list of component names, e.g. [{value!r}].")
        try:
            items = list(value)
        except Exception as exc:  # noqa: BLE001 - any object may come in
            raise HypothesisError(f"{what} is not a list of component names ({exc.__class__.__name__}).") from None
        return [_encode("name", v, f"{what}[{i}]") for i, v in enumerate(items[: MAX_LIST + 1])]
    if wire == "positions":
        if value is None:
            return None
        try:
            items = list(value)
            if any(isinstance(q, bool) for q in items):
                raise TypeError("booleans are not positions")
            return [operator.index(q) for q in items[: MAX_LIST + 1]]
        except Exception as exc:  # noqa: BLE001
            raise HypothesisError(f"{what} must be integer positions, e.g. [1, 2, 3] or range(1, 10) "
                                  f"({exc.__class__.__name__}: {exc}).") from None
    if wire == "array":
        try:
            array = np.array(value, dtype=np.float64)
        except Exception as exc:  # noqa: BLE001
            raise HypothesisError(f"{what} is not an array of numbers ({exc.__class__.__name__}: {exc}); give a "
                                  "[k, d] numpy array whose rows span the subspace.") from None
        if array.ndim != 2 or 0 in array.shape:
            raise HypothesisError(f"{what} has shape {array.shape}; give a [k, d] array: k basis vectors (rows) of "
                                  "the component's d-dimensional output.")
        if array.size > MAX_ARRAY or not np.isfinite(array).all():
            raise HypothesisError(f"{what} must hold at most {MAX_ARRAY:,} finite numbers.")
        return {"shape": list(array.shape), "data": array.ravel().tolist()}
    raise AssertionError(wire)


def _json_safe(value: Any, depth: int = 0) -> bool:
    if depth > 20:
        return False
    if value is None or type(value) in (bool, int, str):
        return True
    if type(value) is float:
        return value == value and value not in (float("inf"), float("-inf"))
    if type(value) in (list, tuple):
        return all(_json_safe(v, depth + 1) for v in value)
    if type(value) is dict:
        return all(type(k) is str and _json_safe(v, depth + 1) for k, v in value.items())
    return False


def to_wire(hypothesis: Any) -> tuple[dict, dict]:
    """(spec, functions) for a solver's hypothesis; HypothesisError with a sentence for anything malformed."""
    if type(hypothesis) is not Hypothesis:
        raise HypothesisError(f"`hypothesis` is {a_type(hypothesis)}; build it with "
                              "harness.hypothesis.Hypothesis(puzzle=..., claims=[...]).")
    claims = hypothesis.claims
    if isinstance(claims, (str, bytes, dict)) or not isinstance(claims, (list, tuple)):
        raise HypothesisError(f"Hypothesis.claims is {a_type(claims)}; give a list of claims.")
    if len(claims) > MAX_CLAIMS:
        raise HypothesisError(f"The hypothesis has {len(claims)} claims; at most {MAX_CLAIMS} are graded.")
    entries, functions = [], {}
    for i, claim in enumerate(claims):
        if type(claim) not in CLAIM_TYPES:
            raise HypothesisError(f"Claim {i} is {a_type(claim)}, not one of "
                                  f"{', '.join(t.__name__ for t in CLAIM_TYPES)} (subclasses are not accepted). "
                                  "Use the classes in harness.hypothesis.")
        kind = claim.kind
        entry: dict[str, Any] = {"kind": kind}
        for name, wire in wire_fields(kind).items():
            value = object.__getattribute__(claim, name)
            entry[name] = (None if value is None and name in OPTIONAL_FIELDS[kind]
                           else _encode(wire, value, f"Claim {i} ({kind}) field `{name}`"))
        present = []
        for name in FUNCTION_FIELDS[kind]:
            function = object.__getattribute__(claim, name)
            if function is None and name in OPTIONAL_FUNCTIONS[kind]:
                continue
            if not callable(function):
                raise HypothesisError(f"Claim {i} ({kind}) field `{name}` is not callable. Pass a function.")
            functions[(i, name)] = function
            present.append(name)
        problem = presence_problem(kind, {name for name, value in entry.items() if value is not None} | set(present))
        if problem:
            raise HypothesisError(f"Claim {i} ({kind}) {problem}.")
        entry["functions"] = present
        entries.append(entry)
    metadata = hypothesis.metadata if type(hypothesis.metadata) is dict else {}
    spec = {"puzzle": _encode("text", hypothesis.puzzle, "Hypothesis.puzzle"),
            "description": hypothesis.description if type(hypothesis.description) is str else str(hypothesis.description),
            "metadata": {k: v for k, v in metadata.items() if type(k) is str and _json_safe(v)}, "claims": entries}
    return spec, functions


# --- decoding: plain data -> a Hypothesis, strictly -------------------------------------------------------------

def _decode(wire: str, value: Any, what: str) -> Any:
    if wire in ("text", "name"):
        if type(value) is not str or len(value) > MAX_NAME_CHARS:
            raise WireError(f"{what} is not a string of at most {MAX_NAME_CHARS} characters")
        return value
    if wire == "names":
        if type(value) is not list or len(value) > MAX_LIST:
            raise WireError(f"{what} is not a list of names")
        return [_decode("name", v, f"{what}[{i}]") for i, v in enumerate(value)]
    if wire == "array":
        if (type(value) is not dict or set(value) != {"shape", "data"} or type(value["shape"]) is not list
                or len(value["shape"]) != 2 or any(type(v) is not int or v < 1 for v in value["shape"])
                or type(value["data"]) is not list or len(value["data"]) > MAX_ARRAY
                or len(value["data"]) != value["shape"][0] * value["shape"][1]
                or any(type(v) not in (int, float) for v in value["data"])):
            raise WireError(f"{what} is not an array of numbers")
        array = np.array(value["data"], dtype=np.float64).reshape(value["shape"])
        if not np.isfinite(array).all():
            raise WireError(f"{what} holds numbers that are not finite")
        return array
    if value is None:
        return None
    if type(value) is not list or len(value) > MAX_LIST or any(type(v) is not int or abs(v) > 2**31 for v in value):
        raise WireError(f"{what} is not null or a list of integer positions")
    return list(value)


def from_wire(spec: Any, make_function: Callable[[int, str, str], Callable]) -> Hypothesis:
    """The Hypothesis `spec` describes; make_function(index, kind, field) supplies each function field."""
    if type(spec) is not dict or set(spec) != {"puzzle", "description", "metadata", "claims"}:
        raise WireError("the hypothesis is not an object with exactly puzzle, description, metadata and claims")
    puzzle = _decode("text", spec["puzzle"], "the puzzle name")
    description = spec["description"]
    if type(description) is not str or len(description) > MAX_TEXT_CHARS:
        raise WireError("the description is not a string")
    if type(spec["metadata"]) is not dict:
        raise WireError("the metadata is not an object")
    if type(spec["claims"]) is not list or len(spec["claims"]) > MAX_CLAIMS:
        raise WireError(f"the claims are not a list of at most {MAX_CLAIMS}")
    claims = []
    for i, entry in enumerate(spec["claims"]):
        if type(entry) is not dict or type(entry.get("kind")) is not str or entry["kind"] not in CLAIM_KINDS:
            raise WireError(f"claim {i} has no known kind")
        kind = entry["kind"]
        fields = wire_fields(kind)
        if set(entry) != {"kind", "functions", *fields}:
            raise WireError(f"claim {i} ({kind}) has fields {sorted(entry)[:10]}")
        listed = entry["functions"]
        required = set(FUNCTION_FIELDS[kind]) - set(OPTIONAL_FUNCTIONS[kind])
        if (type(listed) is not list or any(type(f) is not str for f in listed)
                or listed != [f for f in FUNCTION_FIELDS[kind] if f in listed] or not required <= set(listed)):
            raise WireError(f"claim {i} ({kind}) lists functions {str(listed)[:100]}")
        kwargs = {name: None if entry[name] is None and name in OPTIONAL_FIELDS[kind]
                  else _decode(wire, entry[name], f"claim {i} ({kind}) field {name}") for name, wire in fields.items()}
        problem = presence_problem(kind, {name for name, value in kwargs.items() if value is not None} | set(listed))
        if problem:
            raise WireError(f"claim {i} ({kind}) {problem}")
        kwargs.update({name: make_function(i, kind, name) for name in listed})
        claims.append(CLAIM_KINDS[kind](**kwargs))
    return Hypothesis(puzzle=puzzle, claims=claims, description=description, metadata=spec["metadata"])


def canonical(hypothesis: Any) -> Hypothesis:
    """The hypothesis rebuilt from its wire form with its own functions: what in-process grading uses."""
    spec, functions = to_wire(hypothesis)
    return from_wire(spec, lambda i, kind, name: functions[(i, name)])
