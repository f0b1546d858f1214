"""Result files (harness/leaderboard/store.py): a record is trusted only while its file matches the index and the
schema, is reused only under the same identity, and every string is cleaned on the way in."""

from __future__ import annotations

import json
from pathlib import Path

from harness.leaderboard import SCHEMA_VERSION, ResultRecord, ResultStore
from harness.leaderboard.record import Identity
from harness.leaderboard.store import clean, result_path

REPO = Path(__file__).resolve().parents[2]
SAMPLE = sorted((REPO / "tests" / "fixtures" / "results_sample").glob("*/*.json"))


def test_store_rejects_unindexed_files(tmp_path):
    store = ResultStore(tmp_path)
    (tmp_path / "x").mkdir()
    (tmp_path / "x/p.json").write_text(json.dumps({"schema_version": SCHEMA_VERSION}))
    assert store.verified("x", "p") is None


def test_store_treats_a_file_off_the_schema_as_absent(tmp_path):
    record = ResultRecord.from_dict(json.loads(SAMPLE[-1].read_text()))
    store = ResultStore(tmp_path)
    path = store.write(record)
    assert store.verified(record.solver, record.puzzle) == record
    assert store.reusable(record.solver, record.puzzle, record.identity) == record
    other = Identity(**{**vars(record.identity), "sample": "held-out 0123456789abcdef"})
    assert store.reusable(record.solver, record.puzzle, other) is None
    data = json.loads(path.read_text())
    data["score"] = "high"
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    path.write_text(text)
    import hashlib

    store.index[path.relative_to(tmp_path).as_posix()] = hashlib.sha256(text.encode()).hexdigest()
    assert store.verified(record.solver, record.puzzle) is None  # indexed, but not a record: graded again


def test_clean_drops_control_characters_and_lone_surrogates_but_keeps_newlines():
    assert clean("a\x1b[31mred\u202eb\tc\nd") == "a[31mredb\tc\nd"
    assert clean({"k\x00": ["x\udc80", 3, None]}) == {"k": ["x?", 3, None]}
    assert clean(1.5) == 1.5


def test_a_written_record_reads_back_from_a_fresh_store_and_an_edited_file_is_not_trusted(tmp_path):
    record = ResultRecord.from_dict(json.loads(SAMPLE[0].read_text()))
    path = ResultStore(tmp_path).write(record)
    assert path == result_path(tmp_path, record.solver, record.puzzle) and not list(tmp_path.rglob("*.tmp"))
    fresh = ResultStore(tmp_path)  # the index was written beside the results
    assert fresh.verified(record.solver, record.puzzle) == record
    path.write_text(path.read_text().replace('"score"', '"score" ', 1))  # same data, different bytes
    assert ResultStore(tmp_path).verified(record.solver, record.puzzle) is None
    assert fresh.verified("nobody", record.puzzle) is None


def test_an_error_of_the_harness_is_not_reused_but_one_of_the_submission_is(tmp_path):
    data = json.loads(next(p for p in SAMPLE if json.loads(p.read_text())["status"] == "error").read_text())
    store = ResultStore(tmp_path)
    for source, reused in [("submission", True), ("harness", False)]:
        record = ResultRecord.from_dict({**data, "error_source": source})
        store.write(record)
        assert (store.reusable(record.solver, record.puzzle, record.identity) is not None) == reused, source


def test_an_unreadable_index_is_an_empty_one(tmp_path):
    (tmp_path / "index.json").write_text("[not an object")
    assert ResultStore(tmp_path).index == {}
    (tmp_path / "index.json").write_text(json.dumps(["a"]))
    assert ResultStore(tmp_path).index == {}
