"""The result record: one definition, its reader, and the published JSON Schema derived from it."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from harness.leaderboard import SCHEMA_VERSION, RecordError, ResultRecord, result_schema
from harness.leaderboard.record import Identity

REPO = Path(__file__).resolve().parents[2]
SCHEMA_FILE = REPO / "harness" / "leaderboard" / "result.schema.json"
SAMPLE = sorted((REPO / "tests" / "fixtures" / "results_sample").glob("*/*.json"))
STORED = sorted(p for p in (REPO / "leaderboard" / "results").glob("*/*.json"))


def test_published_schema_is_the_one_derived_from_the_record():
    assert json.loads(SCHEMA_FILE.read_text()) == result_schema(), (
        "harness/leaderboard/result.schema.json is stale: regenerate it with python -c \"import json, harness.leaderboard "
        "as lb; print(json.dumps(lb.result_schema(), indent=2))\" > harness/leaderboard/result.schema.json")
    schema = result_schema()
    assert schema["additionalProperties"] is False and set(schema["required"]) == set(schema["properties"])
    assert schema["properties"]["schema_version"] == {"const": SCHEMA_VERSION}
    claim = schema["properties"]["claims"]["items"]
    assert {"kind", "name", "passed", "value", "threshold", "ci", "message", "verdict"} <= set(claim["properties"])


@pytest.mark.parametrize("path", STORED + SAMPLE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_result_file_reads_back_unchanged(path):
    data = json.loads(path.read_text())
    record = ResultRecord.from_dict(data, where=str(path))
    if path in STORED:  # written by the harness: byte for byte the same data (the hand-made sample omits defaults)
        assert record.to_dict() == data
    assert ResultRecord.from_dict(record.to_dict()) == record or record.to_dict() == ResultRecord.from_dict(
        record.to_dict()).to_dict()  # NaN != NaN: compare the written form
    assert record.identity == Identity(record.puzzle_version, record.checkpoint_sha256, record.submission_sha256,
                                       record.harness_version, record.sample)


@pytest.mark.parametrize("edit, field", [
    (lambda d: d.pop("score"), "lacks the field 'score'"),
    (lambda d: d.update(score="high"), "result.score is 'high'"),
    (lambda d: d.update(solved=1), "result.solved is 1"),
    (lambda d: d.update(status="fine"), "result.status is 'fine'; it must be one of 'ok', 'error'"),
    (lambda d: d.update(extra=1), "fields the schema does not know: extra"),
    (lambda d: d.update(schema_version=SCHEMA_VERSION + 1), f"schema_version {SCHEMA_VERSION + 1}"),
    (lambda d: d["claims"][0].update(passed="yes"), "result.claims[0].passed is 'yes'"),
    (lambda d: d["claims"][0].update(ci=[0.1]), "result.claims[0].ci has 1 items, not 2"),
    (lambda d: d["parts"].update(circuit=None), None),  # a value that could not be computed is allowed (null)
])
def test_a_record_that_breaks_the_schema_is_refused_with_the_field(edit, field):
    data = copy.deepcopy(json.loads(SAMPLE[0].read_text()))
    if not data["claims"]:
        data = json.loads(next(p for p in SAMPLE if json.loads(p.read_text())["claims"]).read_text())
    edit(data)
    if field is None:
        ResultRecord.from_dict(data)
        return
    with pytest.raises(RecordError) as info:
        ResultRecord.from_dict(data)
    assert field in str(info.value)


@pytest.mark.parametrize("data, text", [([], "is a list, not an object"), ({"claims": 3}, "is an int, not a list")])
def test_a_record_of_the_wrong_type_is_named_with_its_article(data, text):
    with pytest.raises(RecordError) as info:
        ResultRecord.from_dict(data if isinstance(data, list) else {**json.loads(SAMPLE[0].read_text()), **data})
    assert text in str(info.value)
