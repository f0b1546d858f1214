"""`interp-puzzles` command line: list, show, evaluate, train, leaderboard."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from tabulate import tabulate

from .errors import HypothesisError, PuzzleError
from .puzzle.declaration import ABLATIONS
from .puzzle.registry import REPO_ROOT, list_puzzles, load_declaration_by_name  # torch-free: --help and show answer at once


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system says): the default `--jobs`."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def load_puzzle(*args: Any, **kwargs: Any):
    """harness.puzzle.load_puzzle, imported on first use (it imports torch and TransformerLens)."""
    from .puzzle import load_puzzle as load

    return load(*args, **kwargs)


def _overview_row(name: str, measure: bool = False) -> dict[str, Any]:
    """One puzzle's declared facts, and with `measure` its accuracy measured afresh (loads the model); a broken
    or unavailable puzzle gets its reason instead."""
    row: dict[str, Any] = {"name": name, "difficulty": "?", "model": "?", "layers": "?", "heads": "?",
                           "summary": "", "accuracy": None}
    try:
        decl = load_declaration_by_name(name)
        cfg = decl.model.config
        row.update(difficulty=decl.difficulty, model=decl.model.kind, layers=cfg.get("n_layers", 1 if decl.model.kind
                   == "embed_mlp" else 0), heads=cfg.get("n_heads", 0), summary=decl.summary,
                   exhaustive=decl.data.inputs is not None)
        if not measure:
            return row
        if decl.model.kind == "pretrained":
            from .puzzle.models import pretrained_available

            if not pretrained_available(decl.model.hf_name):
                row["note"] = f"weights for {decl.model.hf_name!r} are not in the local Hugging Face cache"
                return row
        puzzle = load_puzzle(name)
        result = puzzle.evaluate()
        row.update(parameters=puzzle.n_params, accuracy=result["accuracy"], loss=result["loss"])
        if result.get("exhaustive"):
            row.update(inputs=result["n"], wrong_inputs=result["wrong_inputs"],
                       note=f"every input: wrong on {result['wrong_inputs']:,} of {result['n']:,}")
    except PuzzleError as exc:
        row["note"] = str(exc)
    return row


def _format_rows(rows: list[dict[str, Any]], measured: bool) -> str:
    if not measured:
        table = [[r["name"], r["difficulty"], r["model"], r["layers"], r["heads"], r.get("note") or r["summary"]]
                 for r in rows]
        return tabulate(table, headers=["name", "difficulty", "model", "layers", "heads", "summary"])
    table = [[r["name"], r["difficulty"], r["layers"], r["heads"],
              f"{r['parameters']:,}" if isinstance(r.get("parameters"), int) else "?",
              "—" if r["accuracy"] is None else f"{r['accuracy']:.2%}", r.get("note", "")] for r in rows]
    return tabulate(table, headers=["name", "difficulty", "layers", "heads", "parameters", "accuracy", "note"])


def cmd_list(args: argparse.Namespace) -> int:
    rows = [_overview_row(name, args.measure) for name in list_puzzles()]
    print(json.dumps(rows, indent=2) if args.json else _format_rows(rows, args.measure))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    decl = load_declaration_by_name(args.name)
    readme = decl.folder / "README.md"
    print(readme.read_text(encoding="utf-8") if readme.is_file() else decl.summary)
    print("\n## Declaration (puzzle.toml)\n")
    print(decl.path.read_text(encoding="utf-8"))
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    puzzle = load_puzzle(args.name, checkpoint=args.checkpoint, device=args.device)
    result = puzzle.evaluate(n=args.n, seed=args.seed)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(tabulate([[k, v] for k, v in result.items()], headers=["field", "value"]))
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from .puzzle.models import save_checkpoint
    from .puzzle import Puzzle
    from .puzzle.training import train

    decl = load_declaration_by_name(args.name)
    if decl.training is None:
        raise PuzzleError(f"Puzzle {args.name!r} uses a pretrained model and has no training recipe; nothing to train.")
    steps = decl.training.steps if args.steps is None else args.steps
    if steps < 1:
        raise PuzzleError(f"--steps must be at least 1, not {steps}.")
    with tqdm(total=steps, desc=f"train {args.name}", unit="step", file=sys.stderr, mininterval=1.0) as bar:
        def on_step(step: int, loss: float) -> None:
            bar.update(1)
            if step % 50 == 0:
                bar.set_postfix(loss=f"{loss:.4f}")
        run = train(decl, seed=args.seed, steps=steps, on_step=on_step)
    out = Path(args.out) if args.out else REPO_ROOT / "runs" / args.name / f"seed{run.seed}.safetensors"
    digest = save_checkpoint(run.model, out)
    trained = Puzzle(decl, run.model).evaluate()
    print(f"trained {args.name} (seed {run.seed}, {run.steps} steps) in {run.seconds:.1f} s")
    print(f"final training loss {run.losses[-1]:.4f}; eval loss {trained['loss']:.4f}, accuracy {trained['accuracy']:.2%}")
    print(f"wrote {out}  sha256 {digest}")
    if not args.check:
        return 0
    shipped = load_puzzle(args.name).evaluate()
    tolerance = decl.performance.check_tolerance
    ok = trained["accuracy"] >= shipped["accuracy"] - tolerance and trained["accuracy"] >= decl.performance.min_accuracy
    print(f"check: retrained accuracy {trained['accuracy']:.2%} vs shipped {shipped['accuracy']:.2%} "
          f"(tolerance {tolerance:.2%}, floor {decl.performance.min_accuracy:.2%}): {'OK' if ok else 'FAILED'}")
    return 0 if ok else 1


def format_report(report) -> str:
    """A per-claim table and the verdict, for people."""
    claims = report.claims + ([report.joint] if report.joint is not None else [])
    rows = [[c.index if c.index >= 0 else "all", c.kind, c.name, c.verdict.upper(), f"{c.value:.3f}", c.threshold,
             f"[{c.ci[0]:.3f}, {c.ci[1]:.3f}]", c.ablation or "", c.message] for c in claims]
    table = tabulate(rows, headers=["#", "kind", "name", "result", "value", "threshold", "95% CI", "ablation", "why"],
                     maxcolwidths=[None] * 8 + [70])
    verdict = "SOLVED" if report.solved else "NOT SOLVED"
    rows_graded = f"every input ({report.n})" if report.exhaustive else f"n {report.n}"
    if report.description_bytes is not None:
        rows_graded += f"  description {report.description_bytes:,} of {report.description_budget:,} bytes"
    lines = [f"{report.puzzle} v{report.version}  seed {report.seed}  {rows_graded}  ablation {report.ablation}", "", table, "",
             f"{verdict}  score {report.score:.3f}  (" + ", ".join(f"{k} {v:.2f}" for k, v in report.parts.items()) + ")"]
    lines += [f"  - {f}" for f in report.failures]
    return "\n".join(lines)


def cmd_grade(args: argparse.Namespace) -> int:
    from .errors import SubmissionError
    from .grader import grade
    from .hypothesis import HypothesisError

    try:
        report = grade(args.path, seed=args.seed, ablation=args.ablation, checkpoint=args.checkpoint,
                       device=args.device)
    except (HypothesisError, PuzzleError, SubmissionError) as exc:
        if args.json:
            print(json.dumps({"puzzle": None, "solved": False, "score": 0.0, "seed": args.seed, "claims": [],
                              "error": str(exc)}))
        else:
            print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(report.to_dict(), indent=2, default=float) if args.json else format_report(report))
    return 0 if report.solved else 1


def cmd_leaderboard(args: argparse.Namespace) -> int:
    """Grade every submission and baseline (reusing unchanged results) and write the leaderboard files.

    Exit code 0; 2 when a puzzle's declaration is broken (the other puzzles are still graded) or the leaderboard
    folder cannot be written (the previous pages stay as they were)."""
    from .leaderboard import build
    from .leaderboard.rank import rank
    from .leaderboard.store import clean

    out = Path(args.out) if args.out else None
    try:
        summary = build(out=out, solutions=Path(args.solutions) if args.solutions else None, n_jobs=args.jobs,
                        force=args.force, only=args.puzzle, baselines=not args.no_baselines,
                        backend=args.backend, address=args.address, public_seed=args.public_seed)
    except OSError as exc:
        where = exc.filename or out or "leaderboard/"
        print(f"error: could not write {where} ({exc.strerror or exc}). Free some disk space or make the folder "
              "writable, then run again; the previous LEADERBOARD.md and index.html were left as they were.",
              file=sys.stderr)
        return 2
    rows = rank(summary["results"], summary["puzzles"])
    print(tabulate([[clean(str(r.rank)), clean(r.solver), clean(r.method), r.solved, f"{r.mean_score:.3f}"]
                    for r in rows], headers=["rank", "solver", "method", "puzzles solved", "mean score"]))
    for note in summary["notes"]:
        print(f"note: {clean(note)}")
    out = summary["out"]
    print(f"\ngraded {summary['graded']}, reused {summary['reused']}; wrote {out / 'LEADERBOARD.md'}, "
          f"{out / 'index.html'} and {out / 'results'}/")
    for name, why in summary["errors"].items():
        print(f"error: puzzle {name} was not graded: {clean(why)}", file=sys.stderr)
    return 2 if summary["errors"] else 0


def cmd_universality(args: argparse.Namespace) -> int:
    """Exit code 0 when the reference holds on every seed (as named, or relabelled by its rule) and no decoy solves
    on any, else 1."""
    from .universality import universality

    if args.seeds < 1 or (args.steps is not None and args.steps < 1):
        raise PuzzleError(f"--seeds and --steps must be at least 1, not {args.seeds} and {args.steps}.")
    report = universality(args.name, list(range(1, args.seeds + 1)), steps=args.steps, decoys=not args.no_decoys,
                          progress=lambda line: print(line, file=sys.stderr), backend=args.backend, jobs=args.jobs,
                          address=args.address)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, allow_nan=False, default=str))
    else:
        print(report.table())
        print(report.verdict())
    if args.record:
        from .universality import record

        where = record(report.summary(), Path(args.record_out) if args.record_out else None)
        print(f"recorded {where}", file=sys.stderr)
    holds = max(report.holds, report.holds_relabelled or 0)  # as named, or relabelled by the reference's rule
    ok = holds == len(report.seeds) and not any(s.decoys_solved for s in report.seeds)
    return 0 if ok else 1


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(prog="interp-puzzles", description="Mechanistic-interpretability puzzles.")
    parser.add_argument("--version", action="version", version=f"interp-puzzles {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("list", help="table of puzzles (declared facts; --measure adds measured accuracy)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--measure", action="store_true",
                   help="load every model and measure its accuracy (on every input where a puzzle enumerates them)")
    p.set_defaults(func=cmd_list)
    p = sub.add_parser("show", help="a puzzle's problem statement and declaration")
    p.add_argument("name")
    p.set_defaults(func=cmd_show)
    p = sub.add_parser("evaluate", help="task loss and accuracy of a checkpoint on a fresh sample")
    p.add_argument("name")
    p.add_argument("--n", type=int, default=None, help="sample size (default: the puzzle's eval_size)")
    p.add_argument("--seed", type=int, default=None, help="sample seed (default: the first evaluation seed)")
    p.add_argument("--checkpoint", default=None, help="another checkpoint of the same architecture (as for grade)")
    p.add_argument("--device", default=None, help="run the model there, e.g. cuda (default: the CPU)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_evaluate)
    p = sub.add_parser("train", help="reproduce a checkpoint from its recipe")
    p.add_argument("name")
    p.add_argument("--out", default=None, help="where to write the safetensors file (default runs/NAME/seedK.safetensors)")
    p.add_argument("--seed", type=int, default=None, help="recipe seed (default: the declared one)")
    p.add_argument("--steps", type=int, default=None, help="train fewer or more steps than declared")
    p.add_argument("--check", action="store_true", help="compare task performance with the shipped checkpoint")
    p.set_defaults(func=cmd_train)
    p = sub.add_parser("grade", help="grade a hypothesis module on its puzzle")
    p.add_argument("path", help="the hypothesis .py file")
    p.add_argument("--seed", type=int, default=None, help="grading seed (default: the puzzle's)")
    p.add_argument("--ablation", choices=list(ABLATIONS), default=None,
                   help="default: the puzzle's")
    p.add_argument("--checkpoint", default=None,
                   help="grade against another checkpoint of the same architecture: safetensors or torch.save, holding "
                        "the model's own state dict or a TransformerLens 2.x/3.x HookedTransformer one")
    p.add_argument("--device", default=None, help="run the forward passes there, e.g. cuda (default: the CPU)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_grade)
    p = sub.add_parser("leaderboard", help="grade every submission and baseline; write the leaderboard")
    p.add_argument("--out", default=None, help="output folder (default: leaderboard/)")
    p.add_argument("--jobs", type=int, default=usable_cores(),
                   help="use this many cores: as many grading processes at one torch thread each (ray: a local cluster "
                        "of this many CPUs); default: the cores this process may use, here %(default)s")
    p.add_argument("--backend", choices=["local", "ray"], default="local",
                   help="where jobs run: local processes, or one Ray task per job (pip install interp-puzzles[ray])")
    p.add_argument("--address", default=None, help="with --backend ray: join this running cluster (e.g. auto or "
                                                    "ray://host:10001) instead of starting a local one")
    p.add_argument("--force", action="store_true", help="regrade everything, reusing no stored result")
    p.add_argument("--solutions", default=None, help="submissions folder (default: solutions/)")
    p.add_argument("--puzzle", action="append", default=None, help="grade only this puzzle (repeatable)")
    p.add_argument("--no-baselines", action="store_true", help="skip the four baselines")
    p.add_argument("--public-seed", action="store_true",
                   help="grade on each puzzle's public grading seed (what `grade` uses) instead of the held-out one")
    p.set_defaults(func=cmd_leaderboard)
    p = sub.add_parser("universality", help="retrain with K seeds; does the reference's mechanism hold on each "
                                              "(as named, and relabelled by its rule where it has one)?")
    p.add_argument("name")
    p.add_argument("--seeds", type=int, default=5, help="retrain with training seeds 1..K (the shipped one is 0)")
    p.add_argument("--steps", type=int, default=None, help="train fewer or more steps than declared")
    p.add_argument("--no-decoys", action="store_true", help="grade only the reference")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--record", action="store_true",
                   help="write the summary to leaderboard/universality/NAME.json, which the leaderboard page shows")
    p.add_argument("--record-out", default=None, help="the leaderboard folder to record into (default leaderboard/)")
    p.add_argument("--backend", choices=["local", "ray"], default="local",
                   help="train and grade the seeds here, one after another, or as Ray tasks (one per seed)")
    p.add_argument("--jobs", type=int, default=usable_cores(),
                   help="with --backend ray: a local cluster of this many CPUs (default: here %(default)s)")
    p.add_argument("--address", default=None, help="with --backend ray: join this running cluster instead")
    p.set_defaults(func=cmd_universality)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (PuzzleError, HypothesisError) as exc:  # a sentence naming the file and the fix
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
