"""The protocol both ends speak: frames and arrays, defined once (harness.sandbox.protocol)."""

import numpy as np
import pytest

from harness.sandbox.protocol import HEADER_BYTES, MAX_ELEMENTS, Codec, Malformed, Phase


def test_arrays_round_trip_and_bad_arrays_are_rejected():
    codec = Codec()
    for value in (np.arange(6, dtype=np.int32).reshape(2, 3), np.array([True, False]), np.linspace(0, 1, 5),
                  np.zeros((0, 4), dtype=np.uint8), np.float32(2.5)):
        back = codec.decode(codec.encode(value))
        assert back.dtype == value.dtype and back.shape == np.shape(value) and (back == value).all()
        assert back.flags.writeable
    assert codec.decode(codec.encode(np.arange(3, dtype=np.uint32))).dtype == np.int64
    good = codec.encode(np.arange(4))
    bad = [
        {"__ndarray__": {**good["__ndarray__"], "dtype": "object"}},
        {"__ndarray__": {**good["__ndarray__"], "shape": [5]}},  # wrong byte count
        {"__ndarray__": {**good["__ndarray__"], "shape": [10**9, 10**9]}},  # too large
        {"__ndarray__": {**good["__ndarray__"], "shape": [True, 4]}},
        {"__ndarray__": {**good["__ndarray__"], "b64": "!!"}},
        {"__ndarray__": {**good["__ndarray__"], "extra": 1}},
        {"__ndarray__": {"dtype": "bool", "shape": [1], "b64": "Ag=="}},  # a bool byte of 2
        [1, 2, 3],
    ]
    for obj in bad:
        with pytest.raises(Malformed):
            codec.decode(obj)
    with pytest.raises(TypeError, match="only numbers"):
        codec.encode(np.array(["a"]))
    with pytest.raises(ValueError, match=str(MAX_ELEMENTS)):
        codec.encode(np.broadcast_to(np.zeros(1, dtype=np.bool_), (MAX_ELEMENTS + 1,)))


def test_frames_round_trip_and_non_json_is_malformed():
    codec = Codec()
    frame = codec.frame({"op": "hello", "x": [1, 2.5]})
    assert codec.length(frame[:HEADER_BYTES]) == len(frame) - HEADER_BYTES
    assert codec.parse(frame[HEADER_BYTES:]) == {"op": "hello", "x": [1, 2.5]}
    for body in (b'{"x": NaN}', b"\xff", b"[" * 100_000):
        with pytest.raises(Malformed):
            codec.parse(body)


def test_a_codec_keeps_its_helpers_when_a_submission_replaces_them(monkeypatch):
    import base64
    import json

    codec = Codec()
    monkeypatch.setattr(json, "dumps", lambda *a, **k: "forged")
    monkeypatch.setattr(base64, "b64encode", lambda *a, **k: b"forged")
    assert codec.decode(codec.encode(np.arange(3))).tolist() == [0, 1, 2]
    assert b"forged" not in codec.frame({"a": 1})
    assert Phase.IMPORT.value == "while being imported"
