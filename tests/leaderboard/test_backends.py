"""Where the leaderboard's jobs run (harness/leaderboard/backends.py): the Ray backend, run for real on a local
2-CPU cluster, writes the same results as the local backend; a Ray task grades what the driver hashed even on a
node that lacks the submission's folder or holds another checkpoint; a missing Ray or unknown backend is a sentence."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
import sys
from pathlib import Path

import pytest

import harness.leaderboard as lb
from harness.errors import PuzzleError
from harness.leaderboard.backends import on_node
from harness.leaderboard.jobs import Job, checkpoint_sha, run_job
from harness.leaderboard.submissions import discover_submissions
from harness.puzzle import load_declaration_by_name
from harness.puzzle.models import build_model, save_checkpoint

REPO = Path(__file__).resolve().parents[2]
PUZZLES = ["bigram_0l", "rederive_position"]
VOLATILE = ("seconds", "date", "git_commit", "packages")


def solutions(root: Path) -> Path:
    """The reference, a decoy that fails and one that cannot be imported, for both puzzles."""
    for solver, source in (("reference", "solutions/reference"), ("decoy", None), ("broken", None)):
        (root / solver).mkdir(parents=True)
        (root / solver / "submission.toml").write_text(f'display_name = "{solver}"\nmethod = "human"\n')
        for puzzle in PUZZLES:
            target = root / solver / f"{puzzle}.py"
            if source:
                shutil.copy(REPO / source / f"{puzzle}.py", target)
            elif solver == "decoy":
                shutil.copy(sorted((REPO / "puzzles" / puzzle / "decoys").glob("*.py"))[0], target)
            else:
                target.write_text("raise RuntimeError('broken on import')\n")
    return root


def stable(summary) -> dict:
    return {(r.solver, r.puzzle): {k: v for k, v in r.to_dict().items() if k not in VOLATILE}
            for r in summary["results"]}


def test_the_ray_backend_writes_what_the_local_backend_writes(tmp_path):
    root = solutions(tmp_path / "solutions")
    local = lb.build(out=tmp_path / "local", solutions=root, only=PUZZLES, n_jobs=1)
    ray = lb.build(out=tmp_path / "ray", solutions=root, only=PUZZLES, n_jobs=2, backend="ray")
    assert len(local["results"]) == len(ray["results"]) == 3 * 2 + 6 * 2  # three solvers, six baselines
    assert stable(ray) == stable(local)
    assert {r.status for r in ray["results"]} == {"ok", "error"}  # the broken import is an error row there too
    newest = lambda summary: max(r.date for r in summary["results"])  # noqa: E731 - the page carries it
    page = lambda out, summary: (tmp_path / out / "LEADERBOARD.md").read_text().replace(newest(summary), "")  # noqa: E731
    assert page("ray", ray) == page("local", local)


def test_a_task_grades_the_drivers_files_and_checkpoint_where_the_node_has_others(tmp_path):
    """on_node is the body of a Ray task: where the node lacks the submission's folder it grades the driver's
    files from a private copy; where its checkpoint differs it grades the driver's bytes and says so in the
    record's checkpoint hash."""
    root = solutions(tmp_path / "solutions")
    submission = next(s for s in discover_submissions(root, PUZZLES) if s.solver == "reference")
    job = Job("reference", "reference", "human", None, "bigram_0l", str(submission.modules["bigram_0l"]),
              submission.sha256("bigram_0l"))
    from harness.sandbox.files import folder_files

    files = folder_files(submission.folder)
    expected = run_job(job)
    decl = load_declaration_by_name("bigram_0l")
    shipped = (decl.folder / decl.checkpoint.file).read_bytes()

    moved = dataclasses.replace(job, module=str(tmp_path / "elsewhere" / "reference" / "bigram_0l.py"))
    record = on_node(moved, files, shipped)  # the node has no such folder: the driver's files are graded
    assert record.status == "ok" and record.score == expected.score
    assert [c.value for c in record.claims] == [c.value for c in expected.claims]
    assert record.checkpoint_sha256 == checkpoint_sha(decl) == hashlib.sha256(shipped).hexdigest()

    other = tmp_path / "other.safetensors"
    save_checkpoint(build_model(decl, seed=3), other)  # another checkpoint of the same architecture
    record = on_node(job, files, other.read_bytes())
    assert record.checkpoint_sha256 == hashlib.sha256(other.read_bytes()).hexdigest() != expected.checkpoint_sha256
    assert record.status == "ok" and not record.solved  # an untrained model: the reference's claims fail there


def test_a_missing_ray_or_an_unknown_backend_is_a_sentence(tmp_path, monkeypatch):
    root = solutions(tmp_path / "solutions")
    monkeypatch.setitem(sys.modules, "ray", None)  # as if Ray were not installed
    with pytest.raises(PuzzleError, match=r"pip install interp-puzzles\[ray\]"):
        lb.build(out=tmp_path / "board", solutions=root, only=["bigram_0l"], backend="ray", baselines=False)
    with pytest.raises(PuzzleError, match="Unknown backend 'slurm'; use one of local, ray"):
        lb.build(out=tmp_path / "board", solutions=root, only=["bigram_0l"], backend="slurm")
