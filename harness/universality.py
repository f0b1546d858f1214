"""Mechanism universality: does the reference's mechanism hold on checkpoints retrained with other seeds?

    interp-puzzles universality NAME --seeds K [--steps N] [--no-decoys] [--json] [--record]
                                     [--backend ray [--jobs N] [--address A]]

Retrains the puzzle's checkpoint from its recipe with training seeds 1..K (the shipped checkpoint is seed 0),
grades the reference and every decoy on each, and reports claims × seeds (value, pass) with a one-line verdict.
Where the reference defines a `relabel` rule (`harness.relabel`: its parts located from a checkpoint's weights), it
is checked to give the reference itself on the shipped checkpoint, and each seed is graded again with the parts the
rule finds there: "holds as named" asks whether the labels carry over, "holds relabelled" whether the mechanism does.
Checkpoints are cached under `runs/universality/<puzzle>/<recipe hash>/seed<S>.safetensors`: the hash covers the
declaration's model, data, task and training tables, the data module's source and the step count, so a changed
recipe retrains and an unchanged one is reused (the file is written atomically; a half-written one never counts).
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

from .puzzle.declaration import Declaration
from .puzzle.registry import REPO_ROOT, load_declaration_by_name

CACHE = REPO_ROOT / "runs" / "universality"


def recipe_hash(decl: Declaration, steps: int | None = None) -> str:
    """What a retrained checkpoint depends on: the model, data, task and training tables, the data module, steps."""
    tables = {k: asdict(getattr(decl, k)) for k in ("model", "data", "task", "training")}
    generator = decl.data.generator.split(":")[0]
    source = (decl.folder / generator).read_bytes() if (decl.folder / generator).is_file() else b""
    digest = hashlib.sha256(json.dumps(tables, sort_keys=True, default=str).encode() + source + str(steps).encode())
    return digest.hexdigest()[:16]


@dataclass
class Relabelled:
    """The reference relabelled by its rule for one checkpoint, and its grade there."""

    solved: bool  # the relabelled reference solves on this checkpoint
    score: float
    claims: list[dict[str, Any]]  # as in SeedResult.claims
    failures: list[str]
    changes: list[str]  # what the rule moved here, one line per field ("claim 3 head: L0H0 -> L0H1"); [] = nothing
    labels: str = ""  # the rule's own account of what it found (its hypothesis's metadata["labels"], if any)


@dataclass
class SeedResult:
    seed: int  # training seed
    checkpoint: str  # the checkpoint file graded
    trained_s: float | None  # training time, None when the cached checkpoint was reused
    accuracy: float  # task accuracy of the retrained model (on every input where enumerable)
    solved: bool  # the reference solves on this checkpoint
    score: float  # the reference's score
    claims: list[dict[str, Any]]  # per reference claim: name, kind, value, threshold, verdict, message
    failures: list[str]  # why the reference does not solve here
    decoys_solved: list[str] = field(default_factory=list)  # decoys that SOLVE on this checkpoint (should be none)
    relabelled: Relabelled | None = None  # the reference relabelled by its rule (None: it defines none)


@dataclass
class UniversalityReport:
    puzzle: str
    recipe: str  # recipe hash
    seeds: list[SeedResult]

    @property
    def holds(self) -> int:
        return sum(s.solved for s in self.seeds)

    @property
    def holds_relabelled(self) -> int | None:
        """On how many seeds the reference relabelled by its rule holds (None: it has no rule)."""
        if not self.seeds or any(s.relabelled is None for s in self.seeds):
            return None
        return sum(s.relabelled.solved for s in self.seeds)

    def verdict(self) -> str:
        """One line: on how many seeds the reference holds (as named, and relabelled where it has a rule), and the
        first reason where it does not."""
        line = f"the reference's mechanism holds on {self.holds} of {len(self.seeds)} seeds"
        line += _first_failure([(s.seed, s) for s in self.seeds])
        if self.holds_relabelled is not None:
            line += (f"; relabelled by its rule (its parts located in each seed's weights), on "
                     f"{self.holds_relabelled} of {len(self.seeds)}")
            line += _first_failure([(s.seed, s.relabelled) for s in self.seeds])
        decoys = sorted({d for s in self.seeds for d in s.decoys_solved})
        line += "; every decoy fails on every seed" if not decoys else f"; decoys that solve somewhere: {', '.join(decoys)}"
        return line

    def table(self) -> str:
        """Claims × seeds: value, and ✗ where the claim does not pass (relabelled: a second block of rows)."""
        from tabulate import tabulate

        if not self.seeds:
            return "no seeds"

        def block(claims: list[list[dict[str, Any]]], prefix: str = "") -> list[list[str]]:
            names = [f"{prefix}{c['index']} {c['kind']}: {c['name']}"[:48] for c in claims[0]]
            return [[name] + [f"{seed[i]['value']:.3f}" + ("" if seed[i]["verdict"] != "fail" else " ✗")
                              for seed in claims] for i, name in enumerate(names)]

        rows = block([s.claims for s in self.seeds])
        rows.append(["accuracy"] + [f"{s.accuracy:.4f}" for s in self.seeds])
        rows.append(["solved"] + ["yes" if s.solved else "no" for s in self.seeds])
        if self.holds_relabelled is not None:
            rows += block([s.relabelled.claims for s in self.seeds], "relabelled ")
            rows.append(["relabelled: solved"] + ["yes" if s.relabelled.solved else "no" for s in self.seeds])
            rows.append(["relabelled: fields moved"] + [str(len(s.relabelled.changes)) for s in self.seeds])
        return tabulate(rows, headers=["claim"] + [f"seed {s.seed}" for s in self.seeds], disable_numparse=True)

    def to_dict(self) -> dict[str, Any]:
        return {"puzzle": self.puzzle, "recipe": self.recipe, "holds": self.holds, "verdict": self.verdict(),
                "seeds": [asdict(s) for s in self.seeds]}

    def summary(self) -> dict[str, Any]:
        """What the leaderboard page shows: the record `--record` writes to leaderboard/universality/NAME.json."""
        from . import __version__

        return {"puzzle": self.puzzle, "recipe": self.recipe, "seeds": [s.seed for s in self.seeds],
                "holds": self.holds, "solved_on": [s.seed for s in self.seeds if s.solved],
                "holds_relabelled": self.holds_relabelled,
                "relabelled_solved_on": (None if self.holds_relabelled is None else
                                         [s.seed for s in self.seeds if s.relabelled.solved]),
                "decoys_solved": sorted({d for s in self.seeds for d in s.decoys_solved}), "verdict": self.verdict(),
                "harness_version": __version__}


def record(summary: dict[str, Any], out: Path | None = None) -> Path:
    """Write a universality summary where the leaderboard reads it (atomically)."""
    from .results_io import write_text_atomic

    path = (out or REPO_ROOT / "leaderboard") / "universality" / f"{summary['puzzle']}.json"
    write_text_atomic(path, json.dumps(summary, indent=2, sort_keys=True) + "\n")
    return path


def recorded(out: Path, puzzles: list[str]) -> dict[str, str]:
    """Per puzzle, the line the leaderboard shows about its universality record (puzzles without one: none).
    A record made for another recipe (the declaration or data module changed since) is marked stale."""
    lines = {}
    for name in puzzles:
        path = out / "universality" / f"{name}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            holds, seeds, recipe = int(data["holds"]), list(data["seeds"]), str(data["recipe"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        line = (f"Retrained with {len(seeds)} other seeds, the reference's mechanism holds on {holds} of "
                f"{len(seeds)}")
        if isinstance(data.get("holds_relabelled"), int):
            line += (f" as named, on {data['holds_relabelled']} of {len(seeds)} with its parts relabelled by its "
                     "rule")
        line += f" (interp-puzzles universality {name} --seeds {len(seeds)})"
        if data.get("decoys_solved"):
            line += f"; decoys that solve on some seed: {', '.join(map(str, data['decoys_solved']))}"
        stale = recipe != recipe_hash(load_declaration_by_name(name))
        lines[name] = line + (" — stale: the recipe has changed since; run it again." if stale else ".")
    return lines


def _first_failure(graded: list[tuple[int, SeedResult | Relabelled]]) -> str:
    """'; claim I (KIND: NAME) fails on seed S because ...' for the first (seed, grade) not solved; '' when every
    one is."""
    seed, first = next(((seed, g) for seed, g in graded if not g.solved), (None, None))
    if first is None:
        return ""
    claim = next((c for c in first.claims if c["verdict"] == "fail"), None)
    if claim is None:
        return f"; on seed {seed}: {first.failures[0] if first.failures else 'not solved'}"
    return f"; claim {claim['index']} ({claim['kind']}: {claim['name']}) fails on seed {seed} because {_reason(claim)}"


def _reason(claim: dict[str, Any]) -> str:
    """The part of a failing claim's message that says why: its first clause, unless the value itself passes
    (then the failure is a later check, e.g. a component that is not needed)."""
    clauses = [c.strip().rstrip(".") for c in claim["message"].split("; ") if c.strip()]
    value, threshold = claim.get("value"), claim.get("threshold")
    passes = isinstance(value, (int, float)) and isinstance(threshold, (int, float)) and value >= threshold
    later = [c for c in clauses[1:] if not c.startswith("beats ")]
    return (later[0] if passes and later else clauses[0] if clauses else "it does not pass")


def checkpoint_for(decl: Declaration, seed: int, steps: int | None = None, cache: Path | None = None,
                   on_step: Callable[[int, float], None] | None = None) -> tuple[Path, float | None]:
    """The checkpoint retrained with `seed` (from the cache when there), and the training time (None if cached)."""
    from .puzzle.models import save_checkpoint
    from .puzzle.training import train

    path = (cache or CACHE) / decl.name / recipe_hash(decl, steps) / f"seed{seed}.safetensors"
    if path.is_file():
        return path, None
    run = train(decl, seed=seed, steps=steps, on_step=on_step)
    save_checkpoint(run.model, path)
    return path, run.seconds


def universality(name: str, seeds: list[int], *, steps: int | None = None, decoys: bool = True,
                 cache: Path | None = None, progress: Callable[[str], None] | None = None, backend: str = "local",
                 jobs: int = 1, address: str | None = None) -> UniversalityReport:
    """Retrain `name` with each seed (or reuse the cache), grade the reference and the decoys on each.

    backend "ray": one Ray task per seed (num_cpus=1) on a local cluster of `jobs` CPUs or the cluster at `address`;
    each node trains into its own cache. The report is the same whichever backend ran it (for the same checkpoints).
    """
    decl = load_declaration_by_name(name)
    check_rule(name)
    if backend == "ray":
        from .leaderboard.backends import ray_session

        with ray_session(jobs, address):
            import ray

            task = ray.remote(num_cpus=1, max_retries=0)(seed_result)
            results = ray.get([task.remote(name, seed, steps, decoys, cache) for seed in seeds])
    elif backend == "local":
        results = [seed_result(name, seed, steps, decoys, cache, progress) for seed in seeds]
    else:
        from .errors import PuzzleError

        raise PuzzleError(f"Unknown backend {backend!r}; use local or ray.")
    return UniversalityReport(name, recipe_hash(decl, steps), results)


def reference_path(name: str) -> Path:
    return REPO_ROOT / "solutions" / "reference" / f"{name}.py"


def check_rule(name: str) -> None:
    """Where the reference has a `relabel` rule: raise unless it gives the reference itself on the shipped model."""
    from .puzzle import load_puzzle
    from .relabel import check_shipped, load, weights_of

    path = reference_path(name)
    hypothesis, rule = load(path)
    if rule is not None:
        check_shipped(path, rule, hypothesis, weights_of(load_puzzle(name).model))


def seed_result(name: str, seed: int, steps: int | None = None, decoys: bool = True, cache: Path | None = None,
                progress: Callable[[str], None] | None = None) -> SeedResult:
    """One training seed: its checkpoint (retrained or cached), accuracy, the reference's grade and the decoys'."""
    from .grading import grade
    from .grading.grader import exhaustive_n, prepare_sample
    from .puzzle import load_puzzle
    from .relabel import load, relabelled, weights_of

    decl = load_declaration_by_name(name)
    reference = reference_path(name)
    decoy_paths = sorted((decl.folder / "decoys").glob("*.py")) if decoys else []
    start = time.perf_counter()
    path, trained = checkpoint_for(decl, seed, steps, cache)
    puzzle = load_puzzle(name, checkpoint=path)
    accuracy = float(puzzle.evaluate()["accuracy"])
    spec = decl.grading
    sample = prepare_sample(puzzle, spec.seed, exhaustive_n(puzzle) or spec.n)  # shared by the reference and decoys
    hypothesis, rule = load(reference)
    report = grade(hypothesis, puzzle=puzzle, sample=sample)
    moved = None
    if rule is not None:
        relabelled_hypothesis, changes = relabelled(reference, rule, hypothesis, weights_of(puzzle.model))
        again = grade(relabelled_hypothesis, puzzle=puzzle, sample=sample)
        moved = Relabelled(again.solved, again.score, _claims(again), list(again.failures), changes,
                           str(relabelled_hypothesis.metadata.get("labels", "")))
    solved_decoys = [p.stem for p in decoy_paths if grade(p, puzzle=puzzle, sample=sample).solved]
    if progress:
        again = "" if moved is None else f"; relabelled: {'solved' if moved.solved else 'not solved'}"
        progress(f"seed {seed}: {'solved' if report.solved else 'not solved'}{again} "
                 f"({time.perf_counter() - start:.1f} s{'' if trained is None else f', trained in {trained:.1f} s'})")
    return SeedResult(seed, str(path), trained, accuracy, report.solved, report.score, _claims(report),
                      list(report.failures), solved_decoys, moved)


def _claims(report) -> list[dict[str, Any]]:
    return [{"index": c.index, "kind": c.kind, "name": c.name, "value": c.value, "threshold": c.threshold,
             "verdict": c.verdict, "message": c.message} for c in report.claims]
