"""Reading an untrusted folder (harness/sandbox/files.py): regular files only, symbolic links that stay inside,
capped sizes, count and depth; every refusal is a SubmissionFileError naming the file and the fix."""

from __future__ import annotations

import os

import pytest

import harness.sandbox.files as files
from harness.errors import SubmissionFileError
from harness.sandbox.files import copy_folder, folder_files, read_regular, shown


def test_shown_is_printable_ascii_and_capped():
    assert shown("plain/name.py") == "plain/name.py"
    assert shown("a\x1b[2Jb\udc80ü") == "a\\x1b[2Jb\\udc80\\xfc"
    assert shown("x" * 600) == "x" * 499 + "…" and len(shown("y" * 20, limit=10)) == 10


def test_a_regular_file_and_a_link_inside_the_folder_are_read(tmp_path):
    (tmp_path / "a.py").write_bytes(b"A = 1\n")
    (tmp_path / "link.py").symlink_to(tmp_path / "a.py")
    assert read_regular(tmp_path / "a.py", tmp_path) == b"A = 1\n"
    assert read_regular(tmp_path / "link.py", tmp_path) == b"A = 1\n"


def test_a_link_out_of_the_folder_is_refused(tmp_path):
    folder, secret = tmp_path / "sub", tmp_path / "secret.txt"
    folder.mkdir()
    secret.write_text("token")
    (folder / "steal.py").symlink_to(secret)
    with pytest.raises(SubmissionFileError, match="outside the submission's folder. Replace the link"):
        read_regular(folder / "steal.py", folder)
    (folder / "sibling").symlink_to(tmp_path)  # a link to a folder outside
    with pytest.raises(SubmissionFileError, match="symbolic link to a folder outside"):
        folder_files(folder)


def test_a_fifo_and_a_missing_file_are_refused_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "pipe.py")  # opening a FIFO for reading would block without O_NONBLOCK
    with pytest.raises(SubmissionFileError, match="not a regular file"):
        read_regular(tmp_path / "pipe.py", tmp_path)
    with pytest.raises(SubmissionFileError, match="cannot be read"):
        read_regular(tmp_path / "missing.py", tmp_path)


def test_sizes_count_and_depth_are_capped(tmp_path, monkeypatch):
    (tmp_path / "big.bin").write_bytes(b"x" * 11)
    with pytest.raises(SubmissionFileError, match="is 11 bytes; at most 10 are accepted"):
        read_regular(tmp_path / "big.bin", tmp_path, limit=10)
    monkeypatch.setattr(files, "MAX_FOLDER_FILES", 2)
    for i in range(3):
        (tmp_path / f"f{i}.py").write_text("")
    with pytest.raises(SubmissionFileError, match="holds more than 2 files"):
        folder_files(tmp_path)
    monkeypatch.setattr(files, "MAX_FOLDER_FILES", 1000)
    monkeypatch.setattr(files, "MAX_DEPTH", 2)
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    (deep / "x.py").write_text("")
    with pytest.raises(SubmissionFileError, match="nested more than 2 folders deep"):
        folder_files(tmp_path)


def test_folder_files_are_sorted_relative_and_skip_caches_and_copy_folder_copies_them(tmp_path):
    src = tmp_path / "src"
    (src / "pkg" / "__pycache__").mkdir(parents=True)
    (src / "b.py").write_text("B")
    (src / "pkg" / "a.py").write_text("A")
    (src / "pkg" / "__pycache__" / "a.pyc").write_bytes(b"junk")
    (src / "alias.py").symlink_to(src / "b.py")
    (src / "pkg_link").symlink_to(src / "pkg")  # a link to a folder inside: its files are read where they are
    assert folder_files(src) == [("alias.py", b"B"), ("b.py", b"B"), ("pkg/a.py", b"A")]
    dest = tmp_path / "dest"
    copy_folder(src, dest)
    assert sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file()) == ["alias.py", "b.py",
                                                                                              "pkg/a.py"]
    assert not (dest / "alias.py").is_symlink() and (dest / "pkg" / "a.py").read_text() == "A"
    empty = tmp_path / "empty"
    empty.mkdir()
    copy_folder(empty, tmp_path / "dest2")
    assert (tmp_path / "dest2").is_dir()
