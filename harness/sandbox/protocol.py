"""What travels between the grading process and a worker, defined once for both ends.

Frames (both directions): a 4-byte big-endian length, then that many bytes of UTF-8 JSON. Arrays travel as
{"__ndarray__": {"dtype": "int64", "shape": [2, 3], "b64": "<little-endian bytes>"}} with a dtype from
ARRAY_DTYPES. The messages:

  worker -> {"op": "hello", "sandbox": {...}}                        before the submission is imported
  worker -> {"ok": true, "spec": {"puzzle", "description", "metadata", "claims": [...]}}
         or {"ok": false, "fatal": true, "error": "ExcType: message", "phase": "import"}   and exits
  parent -> {"claim": 1, "field": "predict", "args": [<array>, ...]}
  worker -> {"ok": true, "result": <array>}
         or {"ok": false, "error": "ExcType: message"}             (the function raised: not fatal)
         or {"ok": false, "fatal": true, "error": "MemoryError: ..."}   and exits
  parent -> {"op": "quit"}                                          the worker exits

`Codec` binds every helper it uses when it is created, so a submission that later replaces json, base64 or numpy
functions in its own process cannot change how the worker speaks; `decode` checks an array strictly (known
dtype, sane shape, exactly the right number of bytes), since the grading process trusts nothing a worker sends.
This module imports only the standard library at the top (numpy when a Codec is made): the worker imports it
before anything else.
"""

from __future__ import annotations

import enum
from typing import Any

MiB, GiB = 1 << 20, 1 << 30  # the byte units every limit of the sandbox wing is written in
ARRAY_DTYPES = ("bool", "int8", "int16", "int32", "int64", "uint8", "float32", "float64")
MAX_ELEMENTS = 50_000_000  # per array, both directions
MAX_DIMS = 32  # per array
MAX_REQUEST_BYTES = 1 << 30  # one frame to the worker
MAX_SPEC_BYTES = 16 * MiB  # the worker's hello and its description of the hypothesis
MAX_REPLY_BYTES = MAX_ELEMENTS * 8 * 4 // 3 + MiB  # the largest array, base64-encoded, plus its JSON
MAX_ERROR_CHARS = 2000  # of an error message from the worker
HEADER_BYTES = 4


class Malformed(ValueError):
    """A frame or an array from the other end does not have the expected shape."""


class Phase(enum.Enum):
    """What the worker was doing when something happened; its value completes a sentence."""

    START = "while starting (before importing the submission)"
    IMPORT = "while being imported"
    CALL = "while running"  # completed by the function: "while running claim 3 (attention) `rule`"
    CLOSE = "while closing"


class Codec:
    """Frames and arrays, with every helper bound at creation."""

    def __init__(self) -> None:
        import base64
        import json
        import math
        import struct

        import numpy as np

        self._np = np
        self._dumps, self._loads = json.dumps, json.loads
        self._header = struct.Struct(">I")
        self._b64encode, self._b64decode = base64.b64encode, base64.b64decode
        self._asarray, self._frombuffer, self._ascontiguous = np.asarray, np.frombuffer, np.ascontiguousarray
        self._dtype, self._prod = np.dtype, math.prod

    # --- frames ---------------------------------------------------------------------------------------

    def frame(self, message: dict) -> bytes:
        data = self._dumps(message, allow_nan=True, separators=(",", ":")).encode("utf-8")
        return self._header.pack(len(data)) + data

    def length(self, header: bytes) -> int:
        return self._header.unpack(header)[0]

    def parse(self, data: bytes) -> Any:
        """A frame's JSON; Malformed for anything else (NaN and Infinity included: they are not JSON)."""
        def constant(name: str) -> None:
            raise Malformed(f"the frame contains {name}, which is not JSON")

        try:
            return self._loads(data.decode("utf-8"), parse_constant=constant)
        except Malformed:
            raise
        except (ValueError, RecursionError) as exc:
            raise Malformed(f"the frame is not valid UTF-8 JSON ({str(exc)[:100]})") from None

    # --- arrays ---------------------------------------------------------------------------------------

    def encode(self, value: Any) -> dict:
        """`value` as an encoded array (bool, integer or float; other integer and float widths are widened);
        TypeError for what cannot be one, ValueError when it is too large."""
        np = self._np
        arr = self._asarray(value)
        kind = arr.dtype.kind
        if kind == "b":
            arr = arr.astype(np.bool_, copy=False)
        elif kind in "iu" and arr.dtype.name not in ARRAY_DTYPES:
            arr = arr.astype(np.int64)
        elif kind == "f" and arr.dtype.name not in ARRAY_DTYPES:
            arr = arr.astype(np.float64)
        elif kind not in "biuf":
            raise TypeError(f"an array of dtype {arr.dtype} cannot be sent; only numbers (bool, int or float arrays)")
        if arr.size > MAX_ELEMENTS:
            raise ValueError(f"an array of {arr.size} values cannot be sent; at most {MAX_ELEMENTS}")
        data = self._ascontiguous(arr, dtype=arr.dtype.newbyteorder("<")).tobytes()
        return {"__ndarray__": {"dtype": arr.dtype.name, "shape": [int(s) for s in arr.shape],
                                "b64": self._b64encode(data).decode("ascii")}}

    def decode(self, obj: Any) -> Any:
        """An encoded array, checked strictly; Malformed for anything unexpected. Native byte order, writable."""
        if type(obj) is not dict or set(obj) != {"__ndarray__"} or type(obj["__ndarray__"]) is not dict:
            raise Malformed("the result is not an encoded array")
        spec = obj["__ndarray__"]
        if set(spec) != {"dtype", "shape", "b64"}:
            raise Malformed(f"the encoded array has keys {sorted(spec)[:5]}")
        name, shape, b64 = spec["dtype"], spec["shape"], spec["b64"]
        if type(name) is not str or name not in ARRAY_DTYPES:
            raise Malformed(f"the array dtype {str(name)[:40]!r} is not one of {', '.join(ARRAY_DTYPES)}")
        if type(shape) is not list or len(shape) > MAX_DIMS or any(type(s) is not int or s < 0 for s in shape):
            raise Malformed("the array shape is not a list of non-negative integers")
        size = self._prod(shape)
        if size > MAX_ELEMENTS:
            raise Malformed(f"the array has {size} elements; at most {MAX_ELEMENTS} are accepted")
        if type(b64) is not str:
            raise Malformed("the array data is not a base64 string")
        try:
            raw = self._b64decode(b64, validate=True)
        except ValueError as exc:
            raise Malformed(f"the array data is not valid base64 ({exc})") from None
        dtype = self._dtype(name)
        if len(raw) != size * dtype.itemsize:
            raise Malformed(f"the array data has {len(raw)} bytes; shape {shape} of {name} needs {size * dtype.itemsize}")
        if name == "bool" and raw.translate(None, b"\x00\x01"):
            raise Malformed("the bool array holds bytes other than 0 and 1")
        return self._frombuffer(raw, dtype=dtype.newbyteorder("<")).reshape(shape).astype(dtype)
