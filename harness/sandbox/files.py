"""Reading untrusted folders: only regular files, symbolic links that stay inside, capped sizes and depth.

A submission's folder is read through here both when the leaderboard hashes it and when the sandbox gives the
grading worker its private copy, so both see exactly the same files. Every failure is a SubmissionFileError whose
message names the file and says how to fix it; names are shown as printable ASCII.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import SubmissionFileError

MAX_FILE_BYTES = 16 * 2**20  # one file
MAX_FOLDER_BYTES = 64 * 2**20  # a whole folder
MAX_FOLDER_FILES = 1000  # files in a folder, subfolders included
MAX_DEPTH = 8  # subfolder nesting
SKIPPED_DIRS = ("__pycache__", ".git")  # never read


def shown(name: str, limit: int = 500) -> str:
    """A name or path as printable ASCII (undecodable bytes and control characters escaped), at most `limit` chars."""
    text = ascii(name)[1:-1]
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def read_regular(path: Path, folder: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file in `folder`; a symlink may point only inside `folder`. SubmissionFileError else."""
    try:
        if os.path.islink(path):
            target, root = os.path.realpath(path), os.path.realpath(folder)
            if not _inside(target, root):
                raise SubmissionFileError(f"{shown(str(path))} is a symbolic link to {shown(target)}, outside the "
                                          "submission's folder. Replace the link with a regular file.")
            path = Path(target)
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except SubmissionFileError:
        raise
    except OSError as exc:
        raise SubmissionFileError(f"{shown(str(path))} cannot be read ({exc.strerror}). Replace it with a regular "
                                  "file.") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SubmissionFileError(f"{shown(str(path))} is not a regular file (a FIFO, device or other special "
                                      "file). Replace it with a regular file.")
        if info.st_size > limit:
            raise SubmissionFileError(f"{shown(str(path))} is {info.st_size} bytes; at most {limit} are accepted. "
                                      "Make it smaller.")
        data = os.read(fd, limit + 1)
        if len(data) > limit:
            raise SubmissionFileError(f"{shown(str(path))} is over {limit} bytes. Make it smaller.")
        return data
    finally:
        os.close(fd)


def folder_files(folder: Path) -> list[tuple[str, bytes]]:
    """(relative path, bytes) of every file in `folder`, sorted; caps on count, size and depth."""
    out: list[tuple[str, bytes]] = []
    total = 0

    def walk(current: Path, depth: int) -> None:
        nonlocal total
        if depth > MAX_DEPTH:
            raise SubmissionFileError(f"{shown(str(current))} is nested more than {MAX_DEPTH} folders deep. "
                                      "Flatten the submission's folder.")
        with os.scandir(current) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                path = Path(entry.path)
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in SKIPPED_DIRS:
                        walk(path, depth + 1)
                    continue
                if entry.is_symlink() and os.path.isdir(path):
                    if not _inside(os.path.realpath(path), os.path.realpath(folder)):
                        raise SubmissionFileError(f"{shown(str(path))} is a symbolic link to a folder outside the "
                                                  "submission's folder. Replace the link with a regular file.")
                    continue  # its files are read where they really are
                data = read_regular(path, folder)
                total += len(data)
                if len(out) >= MAX_FOLDER_FILES or total > MAX_FOLDER_BYTES:
                    raise SubmissionFileError(f"{shown(str(folder))} holds more than {MAX_FOLDER_FILES} files or "
                                              f"{MAX_FOLDER_BYTES} bytes. Keep only the hypothesis modules and their "
                                              "helpers.")
                out.append((path.relative_to(folder).as_posix(), data))

    walk(folder, 0)
    return out


def write_files(files: list[tuple[str, bytes]], dest: Path) -> None:
    """Files as `folder_files` returns them, written under `dest` (created, even when there are none)."""
    for rel, data in files:
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    dest.mkdir(parents=True, exist_ok=True)


def copy_folder(folder: Path, dest: Path) -> None:
    """A private copy of the folder's regular files (what a grading worker sees as the submission's folder)."""
    write_files(folder_files(folder), dest)
