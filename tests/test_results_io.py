"""Atomic writes (harness/results_io.py): a write replaces the file whole or not at all, and leaves no temporary
file behind, also when it fails half-way."""

from __future__ import annotations

import os
import stat

import pytest

from harness.results_io import atomic_path, write_text_atomic, write_texts_atomic


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_write_text_atomic_creates_folders_replaces_the_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "deep" / "er" / "result.json"
    write_text_atomic(path, "first")
    write_text_atomic(path, "second ✓")
    assert path.read_text(encoding="utf-8") == "second ✓"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert leftovers(path.parent) == []


def test_an_exception_inside_atomic_path_keeps_the_old_file_and_removes_the_temporary(tmp_path):
    path = tmp_path / "board.md"
    path.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_path(path) as tmp:
            assert tmp.parent == tmp_path and tmp != path
            tmp.write_text("half-written")
            raise RuntimeError("disk full")
    assert path.read_text() == "old" and leftovers(tmp_path) == []


def test_a_lone_surrogate_is_written_replaced_not_raised(tmp_path):
    path = tmp_path / "x.txt"
    write_text_atomic(path, "a\udc80b")
    assert path.read_text(encoding="utf-8") == "a?b"


def test_several_files_are_written_together_or_not_at_all(tmp_path, monkeypatch):
    a, b = tmp_path / "a.md", tmp_path / "sub" / "b.html"
    write_texts_atomic({a: "A1", b: "B1"})
    assert (a.read_text(), b.read_text()) == ("A1", "B1")

    real_fsync, calls = os.fsync, []

    def full_disk_on_second(fd):
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full_disk_on_second)
    with pytest.raises(OSError, match="No space left"):
        write_texts_atomic({a: "A2", b: "B2"})
    assert (a.read_text(), b.read_text()) == ("A1", "B1")  # the first file, already staged, was not renamed in
    assert leftovers(tmp_path) == [] and leftovers(b.parent) == []
