"""The result record: one (solver, puzzle) grade as stored in `leaderboard/results/<solver>/<puzzle>.json`.

`ResultRecord` is the only definition of a result file. `to_dict` writes it, `from_dict` reads it back and
validates every field against the type annotations below (a file that does not match is refused with a
sentence naming the field, and the leaderboard grades that pair again), and `result_schema()` derives the
published JSON Schema (`harness/leaderboard/result.schema.json`, shown in the README) from the same
annotations, so the schema, the writer and the reader cannot drift apart. A claim inside a record is the
grader's own `ClaimResult` (a value that could not be computed is stored as null).

Bump SCHEMA_VERSION on any breaking change; files of another version are not reused.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal, Mapping

from ..errors import RecordError, a_type
from ..grading.context import ClaimResult

SCHEMA_VERSION = 2
SCHEMA_ID = "https://interp-puzzles.invalid/result.schema.json"
Status = Literal["ok", "error"]
ErrorSource = Literal["submission", "harness"]




@dataclass(frozen=True)
class Identity:
    """What a result was graded under; a stored result is reused only when all of it still holds."""

    puzzle_version: int  # the puzzle's declared version
    checkpoint_sha256: str | None  # sha256 of the checkpoint file actually read (None: pretrained weights)
    submission_sha256: str  # sha256 over every file of the submission folder (baselines: kind, version, size)
    harness_version: str  # harness.__version__ that graded it
    sample: str  # the grading sample: "public seed N" or "held-out <key fingerprint>" (harness.leaderboard.heldout)


@dataclass
class ResultRecord:
    """One graded (solver, puzzle) pair."""

    schema_version: int  # SCHEMA_VERSION of the file
    solver: str  # submission folder name or baseline key
    display_name: str  # shown on the pages
    method: str  # human | automated | baseline
    link: str | None  # an http(s) URL or None
    puzzle: str  # puzzle name
    puzzle_version: int  # see Identity
    checkpoint_sha256: str | None  # see Identity
    submission_sha256: str  # see Identity
    harness_version: str  # see Identity
    sample: str  # see Identity
    grading_seed: int | None  # the seed graded on when it is public; None for a held-out sample (never revealed)
    ablation: str  # the puzzle's default ablation
    n: int  # rows graded
    status: Status  # ok | error
    error: str | None  # the error, as a sentence naming the file (status error)
    error_source: ErrorSource | None  # who caused the error: reused only when the submission did
    solved: bool  # the solve criterion's verdict
    score: float  # in [0, 1]; 1 exactly when solved
    parts: dict[str, float]  # the parts of the score: circuit, coverage, claims, required
    claims: list[ClaimResult]  # per claim: kind, name, verdict, value, threshold, interval, message
    failures: list[str]  # why it is not solved, one sentence each
    description_bytes: int | None  # the module's description length (harness.description); None for baselines
    seconds: float  # the job's wall time
    packages: dict[str, str]  # python and package versions of the grading process
    git_commit: str | None  # the checkout's commit
    date: str  # ISO 8601, UTC

    @property
    def identity(self) -> Identity:
        return Identity(**{f.name: getattr(self, f.name) for f in dataclasses.fields(Identity)})

    @property
    def key(self) -> tuple[str, str]:
        return self.solver, self.puzzle

    def to_dict(self) -> dict[str, Any]:
        return _plain(dataclasses.asdict(self))

    @classmethod
    def from_dict(cls, data: Any, where: str = "result") -> "ResultRecord":
        """A validated record; RecordError names the first field that does not match the schema."""
        return _read(cls, data, where)


def _plain(value: Any) -> Any:
    """JSON-able data: tuples become lists, non-finite floats None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


# ------------------------------------------------------------------------------- reading, by annotation


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _read(cls: type, data: Any, where: str) -> Any:
    if not isinstance(data, Mapping):
        raise RecordError(f"{where} is {a_type(data)}, not an object.")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise RecordError(f"{where} has fields the schema does not know: {', '.join(map(str, unknown))}.")
    values = {}
    for name, hint in _hints(cls).items():
        if name not in data:
            spec = fields[name]
            if spec.default is not dataclasses.MISSING or spec.default_factory is not dataclasses.MISSING:
                continue
            raise RecordError(f"{where} lacks the field '{name}'.")
        values[name] = _value(data[name], hint, f"{where}.{name}")
    if cls is ResultRecord and values["schema_version"] != SCHEMA_VERSION:
        raise RecordError(f"{where} has schema_version {values['schema_version']}; this harness reads {SCHEMA_VERSION}.")
    return cls(**values)


def _value(value: Any, hint: Any, where: str) -> Any:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return value
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        for option in (a for a in args if a is not type(None)):
            try:
                return _value(value, option, where)
            except RecordError:
                continue
        raise RecordError(f"{where} is {value!r:.80}, which is not {_describe(hint)}.")
    if origin is Literal:
        if value in args:
            return value
        raise RecordError(f"{where} is {value!r:.80}; it must be one of {', '.join(map(repr, args))}.")
    if dataclasses.is_dataclass(hint):
        return _read(hint, value, where)
    if origin in (list, tuple):
        if not isinstance(value, list):
            raise RecordError(f"{where} is {a_type(value)}, not a list.")
        if origin is tuple and len(args) == 2 and args[1] is not Ellipsis:
            if len(value) != len(args):
                raise RecordError(f"{where} has {len(value)} items, not {len(args)}.")
            return tuple(_value(v, a, f"{where}[{i}]") for i, (v, a) in enumerate(zip(value, args)))
        return [_value(v, args[0], f"{where}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise RecordError(f"{where} is {a_type(value)}, not an object.")
        return {k: _value(v, args[1], f"{where}.{k}") for k, v in value.items()}
    if hint is float:
        if value is None:  # a value that could not be computed (NaN when graded)
            return math.nan
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    elif hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif hint in (str, bool) and isinstance(value, hint):
        return value
    raise RecordError(f"{where} is {value!r:.80}, which is not {_describe(hint)}.")


def _describe(hint: Any) -> str:
    schema = _schema(hint)
    kinds = schema.get("type") or [s.get("type", "object") for s in schema.get("anyOf", [])]
    return " or ".join(kinds) if isinstance(kinds, list) else str(kinds)


# ------------------------------------------------------------------------------------------- JSON Schema


def _schema(hint: Any) -> dict[str, Any]:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return {}
    if origin in (typing.Union, types.UnionType):
        options = [_schema(a) for a in args]
        return {"anyOf": options}
    if origin is Literal:
        return {"enum": list(args)}
    if dataclasses.is_dataclass(hint):
        return _object_schema(hint)
    if origin is tuple and len(args) == 2 and args[1] is not Ellipsis:
        return {"type": "array", "prefixItems": [_schema(a) for a in args], "minItems": 2, "maxItems": 2}
    if origin in (list, tuple):
        return {"type": "array", "items": _schema(args[0])}
    if origin is dict:
        return {"type": "object", "additionalProperties": _schema(args[1])}
    if hint is float:
        return {"type": ["number", "null"]}
    simple = {int: "integer", str: "string", bool: "boolean", type(None): "null"}
    return {"type": simple[hint]}


def _object_schema(cls: type) -> dict[str, Any]:
    fields = {f.name: f for f in dataclasses.fields(cls)}
    required = [n for n, f in fields.items()
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
    return {"type": "object", "title": cls.__name__, "description": (cls.__doc__ or "").strip().splitlines()[0],
            "properties": {name: _schema(hint) for name, hint in _hints(cls).items()},
            "required": required, "additionalProperties": False}


def result_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a result file, derived from ResultRecord."""
    schema = _object_schema(ResultRecord)
    schema["properties"]["schema_version"] = {"const": SCHEMA_VERSION}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


__all__ = ["ErrorSource", "Identity", "RecordError", "ResultRecord", "SCHEMA_VERSION", "Status",
           "result_schema"]
