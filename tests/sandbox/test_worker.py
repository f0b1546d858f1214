"""The isolated worker (harness/sandbox/worker.py), in process: its command line, how it describes an error, and
its request loop over a pair of pipes. (A worker process against hostile submissions: test_client.py and
tests/leaderboard/test_hostile_submissions.py.)"""

from __future__ import annotations

import os

import numpy as np
import pytest

from harness.hypothesis import Algorithm, Hypothesis, HypothesisError
from harness.sandbox.protocol import HEADER_BYTES, Codec
from harness.sandbox.worker import _Channel, _describe_error, _serve, describe, main


@pytest.mark.parametrize("argv, says", [
    (["--bogus", "1", "/s/x.py"], "unknown option --bogus"),
    ([], "usage: python -m harness.sandbox.worker"),
    (["/s/a.py", "/s/b.py"], "usage:"),
    (["--memory", "100", "--no-landlock"], "usage:"),  # the flags but no module
])
def test_a_bad_command_line_exits_before_anything_is_limited(argv, says):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert says in str(exc.value.code)


def test_errors_are_described_by_type_and_message_with_the_cause_of_a_failed_import():
    assert _describe_error(ValueError("solver bug 42")) == "ValueError: solver bug 42"
    try:
        compile("def f(:\n", "bigram_0l.py", "exec")
    except SyntaxError as syntax:
        wrapped = HypothesisError("cannot import bigram_0l.py")
        wrapped.__cause__ = syntax
        assert _describe_error(wrapped).startswith("SyntaxError: ") and "(line 1)" in _describe_error(wrapped)

    class Hostile(Exception):
        def __str__(self):
            raise RuntimeError("no")

    assert _describe_error(Hostile()) == "Hostile: <the exception's message could not be printed>"
    assert len(_describe_error(ValueError("x" * 10 ** 6))) < 10 ** 5  # capped


def test_describe_is_the_wire_form_with_the_functions():
    def predict(tokens):
        return tokens

    spec, functions = describe(Hypothesis("bigram_0l", [Algorithm(predict)]))
    assert spec["claims"] == [{"kind": "algorithm", "explains": [], "name": "algorithm", "functions": ["predict"]}]
    assert functions == {(0, "predict"): predict}


def test_the_request_loop_answers_calls_and_survives_bad_requests():
    codec = Codec()
    to_worker_r, to_worker_w = os.pipe()
    from_worker_r, from_worker_w = os.pipe()

    def boom(tokens):
        raise ValueError("solver bug 42")

    functions = {(0, "predict"): lambda tokens: tokens * 2, (1, "predict"): boom}
    requests = [{"claim": 0, "field": "predict", "args": [codec.encode(np.arange(3))]},
                {"claim": 1, "field": "predict", "args": [codec.encode(np.arange(3))]},
                {"claim": 7, "field": "predict", "args": []},
                {"op": "quit"},
                {"claim": 0, "field": "predict", "args": [codec.encode(np.arange(3))]}]  # after quit: never answered
    for message in requests:
        os.write(to_worker_w, codec.frame(message))
    os.close(to_worker_w)
    assert _serve(_Channel(to_worker_r, from_worker_w), functions) == 0
    os.close(from_worker_w)
    data = b""
    while chunk := os.read(from_worker_r, 1 << 16):
        data += chunk
    os.close(to_worker_r)
    os.close(from_worker_r)
    replies = []
    while data:
        length = codec.length(data[:HEADER_BYTES])
        replies.append(codec.parse(data[HEADER_BYTES:HEADER_BYTES + length]))
        data = data[HEADER_BYTES + length:]
    assert len(replies) == 3
    assert replies[0]["ok"] and codec.decode(replies[0]["result"]).tolist() == [0, 2, 4]
    assert replies[1] == {"ok": False, "error": "ValueError: solver bug 42"}
    assert not replies[2]["ok"] and replies[2]["error"].startswith("bad request: KeyError")
