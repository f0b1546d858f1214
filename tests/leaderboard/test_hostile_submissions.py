"""Hostile submissions run through the leaderboard (issue 8): each is a real submission folder graded by
`harness.leaderboard.build`; none may crash the run, poison another result, be reused when it should not, or
leave a process behind. Hostile modules live in tests/hostile/ and are imported only inside grading workers.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import harness.leaderboard as lb
from harness.leaderboard.rank import rank
from harness.sandbox import bubblewrap_problem

REPO = Path(__file__).resolve().parents[2]
HOSTILE = REPO / "tests" / "hostile"
PUZZLE = "bigram_0l"
TOML = 'display_name = "{name}"\nmethod = "human"\n'
VOLATILE = ("seconds", "date", "git_commit", "packages")
needs_bubblewrap = pytest.mark.skipif(bubblewrap_problem() is not None,
                                      reason=f"bubblewrap cannot sandbox here: {bubblewrap_problem()}")


def add_solver(root: Path, folder: str | bytes, module: str | None, toml: str | None = None,
               helpers: tuple[str, ...] = (), puzzle: str = PUZZLE) -> Path:
    """solutions/<folder>/ with tests/hostile/<module> as <puzzle>.py, any helper files and a submission.toml."""
    path = Path(os.fsdecode(os.path.join(os.fsencode(root), os.fsencode(folder))))
    os.makedirs(os.fsencode(path), exist_ok=True)
    if module is not None:
        shutil.copy(HOSTILE / module, path / f"{puzzle}.py")
        for helper in helpers:
            shutil.copy(HOSTILE / helper, path / helper)
    (path / "submission.toml").write_text(toml if toml is not None else TOML.format(name="A solver"))
    return path


def add_plain(root: Path, folder: str | bytes, toml: str | None = None) -> Path:
    """A solver folder holding a copy of the bigram_0l reference (so only the folder itself can be wrong)."""
    path = add_solver(root, folder, None, toml)
    shutil.copy(REPO / "solutions/reference" / f"{PUZZLE}.py", path / f"{PUZZLE}.py")
    return path


def add_reference(root: Path) -> None:
    (root / "reference").mkdir(parents=True, exist_ok=True)
    for name in (f"{PUZZLE}.py", "submission.toml"):
        shutil.copy(REPO / "solutions/reference" / name, root / "reference" / name)


def build(tmp_path: Path, solutions: Path, out: str = "board", **kwargs):
    kwargs.setdefault("only", [PUZZLE])
    kwargs.setdefault("baselines", False)
    return lb.build(out=tmp_path / out, solutions=solutions, **kwargs)


def row(summary, solver: str) -> dict:
    rows = [r for r in summary["results"] if r.solver == solver]
    assert len(rows) == 1, [r.solver for r in summary["results"]]
    return rows[0]


def error_rows(summary) -> list[dict]:
    return [r for r in summary["results"] if r.status == "error"]


def stable(result) -> dict:
    return {k: v for k, v in result.to_dict().items() if k not in VOLATILE}


def processes_mentioning(text: str) -> list[int]:
    """Live (non-zombie) processes whose command line mentions `text`."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            state = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if text.encode() in cmdline and state != "Z":
            found.append(int(entry))
    return found


def assert_no_process_left(text: str, wait_s: float = 5.0) -> None:
    end = time.monotonic() + wait_s
    while processes_mentioning(text) and time.monotonic() < end:
        time.sleep(0.1)
    assert processes_mentioning(text) == [], f"processes left behind: {processes_mentioning(text)}"


# --- item 1: descendants ------------------------------------------------------------------------------------------

@needs_bubblewrap
def test_a_forked_grandchild_does_not_outlive_its_worker(tmp_path):
    root = tmp_path / "solutions"
    add_solver(root, "forker", "fork_escape.py")
    summary = build(tmp_path, root)
    assert row(summary, "forker").status == "ok"
    assert_no_process_left(str(root), wait_s=3.0)


# --- item 2: network and environment -------------------------------------------------------------------------------

@pytest.fixture
def listeners(tmp_path, monkeypatch):
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    udp.setblocking(False)
    unix_path = str(tmp_path / "listener.sock")
    unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    unix.bind(unix_path)
    unix.listen(5)
    unix.setblocking(False)
    monkeypatch.setenv("INTERP_PUZZLES_TEST_SECRET", "hunter2")
    yield {"udp_port": udp.getsockname()[1], "unix_path": unix_path, "secret_name": "INTERP_PUZZLES_TEST_SECRET",
           "udp": udp, "unix": unix}
    udp.close()
    unix.close()


def aim(module: Path, listeners: dict) -> None:
    """Write the listeners' addresses into a copy of network_spy.py (a module cannot read files beside it)."""
    targets = json.dumps({k: v for k, v in listeners.items() if k not in ("udp", "unix")})
    module.write_text(module.read_text().replace('TARGET = "{}"', f"TARGET = {targets!r}"))


@needs_bubblewrap
def test_no_network_and_no_inherited_environment(tmp_path, listeners):
    root = tmp_path / "solutions"
    folder = add_solver(root, "spy", "network_spy.py", helpers=())
    aim(folder / f"{PUZZLE}.py", listeners)
    summary = build(tmp_path, root)
    result = row(summary, "spy")
    assert result.status == "error" and "network report" in result.error, result.error
    assert "secret=absent" in result.error, result.error
    assert "getaddrinfo: failed" in result.error, result.error
    with pytest.raises(BlockingIOError):
        listeners["udp"].recvfrom(100)  # no datagram arrived
    with pytest.raises(BlockingIOError):
        listeners["unix"].accept()  # no connection arrived


# --- item 3: component ranges and the grading budget ---------------------------------------------------------------

def test_a_billion_positions_are_refused_before_they_are_built(tmp_path):
    root = tmp_path / "solutions"
    add_solver(root, "huge", "huge_range.py")
    summary = build(tmp_path, root)
    result = row(summary, "huge")
    assert result.status == "error"
    assert "embed[0:1000000000]" in result.error and "0..31" in result.error, result.error
    assert str(root / "huge" / f"{PUZZLE}.py") in result.error, result.error  # names the file
    assert result.seconds < 30


def test_the_parent_grading_work_has_a_time_budget(tmp_path):
    root = tmp_path / "solutions"
    add_solver(root, "drip", "slow_drip.py")
    summary = build(tmp_path, root, grade_budget_s=4)
    result = row(summary, "drip")
    assert result.status == "error" and "time budget of 4 s" in result.error, result.error
    assert str(root / "drip" / f"{PUZZLE}.py") in result.error
    assert result.seconds < 10
    assert_no_process_left(str(root))


# --- items 4, 5, 6, 9, 10 and the low ones: what the submission folder holds ----------------------------------------

def test_a_lone_surrogate_in_an_error_does_not_break_this_or_later_runs(tmp_path):
    root = tmp_path / "solutions"
    add_solver(root, "surrogate", "surrogate_error.py", helpers=())
    first = build(tmp_path, root)
    assert row(first, "surrogate").status == "error"
    assert "bad text" in (tmp_path / "board/index.html").read_text(encoding="utf-8")
    again = build(tmp_path, root)  # the stored result is reused and rendered again
    assert again["reused"] == 1 and "\ud800" not in row(again, "surrogate").error


def test_bad_folder_names_are_error_rows(tmp_path):
    root = tmp_path / "solutions"
    add_plain(root, "index.json")
    add_plain(root, b"caf\xe9")
    add_plain(root, "baseline-empty")
    summary = build(tmp_path, root)
    errors = error_rows(summary)
    assert len(errors) == 3, [r.solver for r in summary["results"]]
    for result in errors:
        assert "is not a valid solver name" in result.error or "is reserved" in result.error, result.error
        assert "Rename the folder" in result.error
    assert all(not r.solver.startswith("baseline") and r.solver != "index.json" for r in errors)
    (tmp_path / "board/index.html").read_text(encoding="utf-8")
    assert not (tmp_path / "board/results/baseline-empty").exists()


def test_symlinks_out_of_the_folder_and_special_files_are_refused(tmp_path):
    root = tmp_path / "solutions"
    toml_link = add_plain(root, "tomllink")
    (toml_link / "submission.toml").unlink()
    (toml_link / "submission.toml").symlink_to("/proc/self/mem")
    module_link = add_solver(root, "modlink", None)
    (module_link / f"{PUZZLE}.py").symlink_to("/proc/self/mem")
    outside = add_solver(root, "outside", None)
    (outside / f"{PUZZLE}.py").symlink_to(REPO / "solutions/reference/bigram_0l.py")
    inside = add_solver(root, "inside", None)
    shutil.copy(REPO / "solutions/reference/bigram_0l.py", inside / "real.py")
    (inside / f"{PUZZLE}.py").symlink_to("real.py")  # a link that stays in the folder is fine
    summary = build(tmp_path, root)
    for solver in ("tomllink", "modlink", "outside"):
        result = row(summary, solver)
        assert result.status == "error" and "symbolic link" in result.error, result.error
        assert "Replace the link with a regular file" in result.error
    assert row(summary, "inside").solved


def test_masquerading_as_a_baseline_is_refused(tmp_path):
    root = tmp_path / "solutions"
    add_plain(root, "fakebase", toml='display_name = "Baseline: empty hypothesis"\nmethod = "baseline"\n')
    add_plain(root, "fakebase2", toml='display_name = "Baseline: empty hypothesis"\nmethod = "human"\n')
    summary = build(tmp_path, root)
    first, second = row(summary, "fakebase"), row(summary, "fakebase2")
    assert first.status == "error" and "field `method`" in first.error, first.error
    assert second.status == "error" and "field `display_name`" in second.error, second.error
    assert first.method != "baseline" and not second.display_name.lower().startswith("baseline")


def test_a_module_cannot_read_its_folder_and_changing_any_file_there_regrades(tmp_path):
    """A hypothesis is one module: a helper module or data file beside it cannot be read (what it knows must be in
    its own code, where the description length counts it), and the result's identity covers every file there."""
    root = tmp_path / "solutions"
    folder = add_solver(root, "helper", "stale_helper.py")
    (folder / "_impl.py").write_text((HOSTILE / "monkeypatcher.py").read_text())  # any module: it cannot be imported
    first = row(build(tmp_path, root), "helper")
    assert first.status == "error" and first.error_source == "submission", first.error
    assert "_impl.py" in first.error and "own folder" in first.error, first.error
    again = build(tmp_path, root)
    assert again["graded"] == 0  # the submission's own error is reused while nothing changes
    (folder / "notes.txt").write_text("a change to any file of the folder")
    assert build(tmp_path, root)["graded"] == 1


def test_display_names_and_links_are_checked(tmp_path):
    root = tmp_path / "solutions"
    add_plain(root, "mdlink", toml='display_name = "Eve"\nmethod = "human"\nlink = "https://x.example/\\n| 1 | fake | row |"\n')
    add_plain(root, "ansi", toml='display_name = "\\u001b[31mred\\u001b[0m"\nmethod = "human"\n')
    add_plain(root, "longname", toml='display_name = "' + "x" * 5_000_000 + '"\nmethod = "human"\n')
    summary = build(tmp_path, root)
    for solver, field in (("mdlink", "link"), ("ansi", "display_name"), ("longname", "submission.toml")):
        result = row(summary, solver)
        assert result.status == "error" and field in result.error, result.error
        assert len(result.display_name) <= 100 and "\x1b" not in result.display_name
    markdown = (tmp_path / "board/LEADERBOARD.md").read_text()
    assert "| fake |" not in markdown and "\x1b" not in markdown
    assert len(markdown) < 100_000


# --- item 7: transient failures and the checkpoint actually read ---------------------------------------------------

@pytest.fixture
def puzzles_copy(tmp_path, monkeypatch):
    root = tmp_path / "puzzles"
    shutil.copytree(REPO / "puzzles" / PUZZLE, root / PUZZLE, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setenv("INTERP_PUZZLES_DIR", str(root))
    return root


def test_a_tampered_checkpoint_is_not_cached(tmp_path, puzzles_copy):
    root = tmp_path / "solutions"
    add_reference(root)
    checkpoint = puzzles_copy / PUZZLE / "model.safetensors"
    original = checkpoint.read_bytes()
    checkpoint.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
    broken = build(tmp_path, root)
    result = row(broken, "reference")
    assert result.status == "error" and result.error_source == "harness", result
    declared = result.checkpoint_sha256
    checkpoint.write_bytes(original)
    fixed = build(tmp_path, root)
    assert fixed["graded"] == 1 and row(fixed, "reference").solved
    assert row(fixed, "reference").checkpoint_sha256 != declared


def test_a_broken_puzzle_declaration_is_reported_and_fails_the_run(tmp_path, puzzles_copy, capsys):
    from harness.cli import main

    shutil.copytree(puzzles_copy / PUZZLE, puzzles_copy / "broken")
    toml = puzzles_copy / "broken" / "puzzle.toml"
    toml.write_text(toml.read_text().replace('name = "bigram_0l"', 'name = "broken"').replace(
        "faithfulness = 0.9", "faithfulness = 1.5"))
    root = tmp_path / "solutions"
    add_reference(root)
    code = main(["leaderboard", "--out", str(tmp_path / "board"), "--solutions", str(root), "--puzzle", PUZZLE,
                 "--puzzle", "broken", "--no-baselines"])
    err = capsys.readouterr().err
    assert code == 2
    assert str(toml) in err and "faithfulness" in err, err
    assert (tmp_path / "board/LEADERBOARD.md").is_file()  # the rest of the run still finished


# --- the leaderboard's own files ------------------------------------------------------------------------------------

def test_disk_full_keeps_both_pages_and_says_so(tmp_path):
    root = tmp_path / "solutions"
    add_reference(root)
    build(tmp_path, root)
    board = tmp_path / "board"
    markdown, page = (board / "LEADERBOARD.md").read_bytes(), (board / "index.html").read_bytes()
    (root / "reference/submission.toml").write_text('display_name = "Renamed"\nmethod = "human"\n')
    biggest = max(p.stat().st_size for p in (board / "results").rglob("*.json"))
    limit = max(len(markdown), biggest) + 3000  # room for results and the Markdown, not for the page
    assert len(page) > limit
    script = ("import resource, signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
              f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit})); "
              "from harness.cli import main; sys.exit(main(sys.argv[1:]))")
    proc = subprocess.run([sys.executable, "-c", script, "leaderboard", "--out", str(board), "--solutions", str(root),
                           "--puzzle", PUZZLE, "--no-baselines"], capture_output=True, text=True, timeout=300,
                          cwd=REPO)
    assert proc.returncode == 2, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr and "index.html" in proc.stderr, proc.stderr[-3000:]
    assert (board / "LEADERBOARD.md").read_bytes() == markdown and (board / "index.html").read_bytes() == page


def test_killing_a_parallel_run_takes_its_pool_workers_along(tmp_path):
    root = tmp_path / "solutions"
    add_reference(root)
    add_solver(root, "slow", "function_loop.py", helpers=())
    script = ("import sys, harness.leaderboard as lb; "
              f"lb.build(out={str(tmp_path / 'board')!r}, solutions={str(root)!r}, only=[{PUZZLE!r}], n_jobs=2)")
    driver = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        end = time.monotonic() + 120
        workers: list[int] = []
        while time.monotonic() < end and len(workers) < 2:
            workers = [p for p in processes_mentioning("spawn_main")
                       if Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[1] == str(driver.pid)]
            time.sleep(0.2)
        assert len(workers) == 2, "the pool did not start"
        time.sleep(2.0)  # let them start grading
        driver.send_signal(signal.SIGKILL)
        driver.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(p in processes_mentioning("spawn_main") for p in workers):
            time.sleep(0.1)
        assert not any(p in processes_mentioning("spawn_main") for p in workers), "pool workers outlived the run"
        assert_no_process_left(str(root))
    finally:
        if driver.poll() is None:
            driver.kill()


# --- done when: every hostile submission at once ---------------------------------------------------------------------

@pytest.mark.skipif(bubblewrap_problem() is not None, reason="needs bubblewrap for the fork and network cases")
def test_all_hostile_submissions_at_once_leave_the_rest_identical(tmp_path, listeners):
    clean_root, root = tmp_path / "clean", tmp_path / "solutions"
    add_reference(clean_root)
    add_reference(root)
    for folder, module in (("forker", "fork_escape.py"), ("disk", "disk_filler.py"), ("threads", "thread_bomb.py"),
                           ("huge", "huge_range.py"), ("loop", "function_loop.py"), ("memory", "memory_import.py"),
                           ("segfault", "segfault.py"), ("forger", "protocol_forger.py"),
                           ("writer", "leaderboard_writer.py"), ("reader", "checkpoint_reader.py"),
                           ("escape", "process_escape.py"), ("native", "native_escape.py"),
                           ("monkey", "monkeypatcher.py"), ("exit", "exit_on_import.py")):
        add_solver(root, folder, module)
    add_solver(root, "surrogate", "surrogate_error.py", helpers=())
    spy = add_solver(root, "spy", "network_spy.py", helpers=())
    aim(spy / f"{PUZZLE}.py", listeners)
    add_plain(root, "index.json")
    add_plain(root, "baseline-empty")
    add_plain(root, "fakebase", toml='display_name = "Baseline: empty hypothesis"\nmethod = "baseline"\n')
    link = add_plain(root, "tomllink")
    (link / "submission.toml").unlink()
    (link / "submission.toml").symlink_to("/proc/self/mem")
    clean = build(tmp_path, clean_root, out="clean", baselines=True)
    hostile = build(tmp_path, root, out="hostile", baselines=True, n_jobs=2, call_timeout_s=5)
    assert_no_process_left(str(root))
    ranked = rank(hostile["results"], hostile["puzzles"])
    assert next(r for r in ranked if r.solver == "reference").rank == 1  # first (hostile copies of it may tie)
    assert all(r.mean_score <= ranked[0].mean_score for r in ranked)
    expected = {(r.solver, r.puzzle): stable(r) for r in clean["results"]}
    got = {(r.solver, r.puzzle): stable(r) for r in hostile["results"] if (r.solver, r.puzzle) in expected}
    assert got == expected
    assert len(hostile["results"]) == len(clean["results"]) + 20
    with pytest.raises(BlockingIOError):
        listeners["udp"].recvfrom(100)


@pytest.mark.parametrize("puzzle, old, new, field", [
    (PUZZLE, "faithfulness = 0.9", "faithfulness = 1.5", "grading.faithfulness"),
    (PUZZLE, "[grading]", "[grading]\nn = 0", "grading.n"),
    ("rederive_position", "n_ctx = 10", "n_ctx = -3", "model.config.n_ctx"),
])
def test_out_of_range_declarations_name_the_file_and_field(tmp_path, puzzle, old, new, field):
    from harness.puzzle.declaration import load_declaration
    from harness.errors import DeclarationError

    folder = tmp_path / puzzle
    shutil.copytree(REPO / "puzzles" / puzzle, folder, ignore=shutil.ignore_patterns("__pycache__"))
    toml = folder / "puzzle.toml"
    text = toml.read_text()
    assert old in text
    if "\nn = " in text and new.endswith("n = 0"):
        text = "\n".join(line for line in text.splitlines() if not line.startswith("n = ")) + "\n"
    toml.write_text(text.replace(old, new, 1))
    with pytest.raises(DeclarationError) as info:
        load_declaration(toml)
    assert str(toml) in str(info.value) and f"field `{field}`" in str(info.value), str(info.value)
