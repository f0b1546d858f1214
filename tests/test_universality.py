"""`interp-puzzles universality`: retrain with other seeds (cached by recipe), grade the reference and decoys."""

from __future__ import annotations

import json

import pytest

import harness.universality as uni
from harness.cli import main
from harness.puzzle.registry import load_declaration_by_name


def test_recipe_hash_follows_the_recipe_and_steps():
    decl = load_declaration_by_name("bigram_0l")
    assert uni.recipe_hash(decl) == uni.recipe_hash(decl)
    assert uni.recipe_hash(decl, steps=10) != uni.recipe_hash(decl)
    assert uni.recipe_hash(decl) != uni.recipe_hash(load_declaration_by_name("rederive_position"))


def test_universality_retrains_grades_and_reuses_its_cache(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(uni, "CACHE", tmp_path)
    code = main(["universality", "bigram_0l", "--seeds", "2", "--steps", "100", "--no-decoys", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert [s["seed"] for s in report["seeds"]] == [1, 2]
    assert all(s["trained_s"] is not None for s in report["seeds"])
    assert report["verdict"].startswith(f"the reference's mechanism holds on {report['holds']} of 2 seeds")
    assert code == (0 if report["holds"] == 2 and not any(s["decoys_solved"] for s in report["seeds"]) else 1)
    checkpoints = sorted(tmp_path.glob("bigram_0l/*/seed*.safetensors"))
    assert [p.name for p in checkpoints] == ["seed1.safetensors", "seed2.safetensors"]

    def no_training(*args, **kwargs):
        pytest.fail("a cached checkpoint was retrained")

    monkeypatch.setattr("harness.puzzle.training.train", no_training)
    again = uni.universality("bigram_0l", [1, 2], steps=100, decoys=False)
    assert [s.trained_s for s in again.seeds] == [None, None]
    assert [s.solved for s in again.seeds] == [s["solved"] for s in report["seeds"]]
    assert "seed 1" in again.table() and "solved" in again.table()


def test_the_verdict_names_the_first_failing_claim_and_any_decoy_that_solves():
    claim = {"index": 2, "kind": "path", "name": "K-composition", "value": 0.4, "threshold": 0.8, "verdict": "fail",
             "message": "share 0.40 below 0.8; try the query."}
    ok = dict(claim, verdict="pass", value=0.9)
    seeds = [uni.SeedResult(1, "a", None, 1.0, True, 1.0, [ok], []),
             uni.SeedResult(2, "b", 3.0, 1.0, False, 0.8, [claim], ["x"], ["wrong_head"])]
    report = uni.UniversalityReport("p", "h", seeds)
    assert report.holds == 1
    assert report.verdict() == ("the reference's mechanism holds on 1 of 2 seeds; claim 2 (path: K-composition) fails "
                                "on seed 2 because share 0.40 below 0.8; decoys that solve somewhere: wrong_head")
    assert "0.400 ✗" in report.table()


def test_a_recorded_summary_shows_on_the_leaderboard_and_goes_stale_with_the_recipe(tmp_path, monkeypatch):
    claim = {"index": 0, "kind": "circuit", "name": "c", "value": 0.9, "threshold": 0.8, "verdict": "pass",
             "message": ""}
    recipe = uni.recipe_hash(load_declaration_by_name("bigram_0l"))
    seeds = [uni.SeedResult(s, "x", None, 1.0, s != 2, 1.0, [claim], [], ["guess"] if s == 3 else [])
             for s in (1, 2, 3)]
    summary = uni.UniversalityReport("bigram_0l", recipe, seeds).summary()
    assert (summary["holds"], summary["seeds"], summary["solved_on"]) == (2, [1, 2, 3], [1, 3])
    path = uni.record(summary, tmp_path)
    assert path == tmp_path / "universality" / "bigram_0l.json" and json.loads(path.read_text()) == summary
    lines = uni.recorded(tmp_path, ["bigram_0l", "rederive_position"])  # the second has no record: no line
    assert lines == {"bigram_0l": "Retrained with 3 other seeds, the reference's mechanism holds on 2 of 3 "
                                  "(interp-puzzles universality bigram_0l --seeds 3); decoys that solve on some "
                                  "seed: guess."}
    from harness.leaderboard.html import render_html
    from harness.leaderboard.markdown import render_markdown

    assert lines["bigram_0l"] in render_markdown([], ["bigram_0l"], None, None, universality=lines)
    assert "holds on 2 of 3" in render_html([], ["bigram_0l"], None, None, universality=lines)

    monkeypatch.setattr(uni, "recipe_hash", lambda decl, steps=None: "another")  # the recipe changed since
    assert uni.recorded(tmp_path, ["bigram_0l"])["bigram_0l"].endswith("stale: the recipe has changed since; "
                                                                       "run it again.")
    path.write_text("{ not json")  # a broken record is ignored, not fatal
    assert uni.recorded(tmp_path, ["bigram_0l"]) == {}


def test_the_verdict_names_the_check_that_fails_when_the_value_itself_passes():
    claim = {"index": 0, "kind": "circuit", "name": "c", "value": 0.95, "threshold": 0.9, "verdict": "fail",
             "message": "faithfulness 0.950 (threshold 0.9) under mean ablation; not needed (removing each costs less "
                        "than δ=0.05): L0H1; beats 100% of 20 random circuits of 9 units."}
    report = uni.UniversalityReport("p", "h", [uni.SeedResult(1, "a", None, 1.0, False, 0.5, [claim], [])])
    assert report.verdict().startswith("the reference's mechanism holds on 0 of 1 seeds; claim 0 (circuit: c) fails "
                                       "on seed 1 because not needed (removing each costs less than δ=0.05): L0H1")


def test_the_ray_backend_gives_the_local_report(tmp_path, monkeypatch):
    """One Ray task per seed, on a real local 2-CPU cluster; with the checkpoints the local run cached, every
    claim's value and verdict is the same."""
    monkeypatch.setattr(uni, "CACHE", tmp_path)
    local = uni.universality("bigram_0l", [1, 2], steps=30, decoys=False)
    ray = uni.universality("bigram_0l", [1, 2], steps=30, decoys=False, backend="ray", jobs=2, cache=tmp_path)
    assert [s.trained_s for s in ray.seeds] == [None, None]  # the cached checkpoints
    assert [(s.seed, s.solved, s.claims, s.accuracy) for s in ray.seeds] == \
        [(s.seed, s.solved, s.claims, s.accuracy) for s in local.seeds]
    assert ray.verdict() == local.verdict()
