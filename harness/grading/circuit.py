"""Circuit claims: these (component, position) units, and nothing else, do the task.

Checks, all on units (so the verdict does not depend on how the circuit is written):
  faithfulness  (m(circuit) − m(empty)) / (m(model) − m(empty)) ≥ `faithfulness`, under the default ablation
                (reported under every ablation);
  positions     at every counted position it keeps the model's answer on ≥ `faithfulness` of the rows where the model
                gives it (harness.grading.coverage: an average over positions hides one it fails);
  completeness  no component it leaves out, put back where it is left out, recovers ≥ δ of the metric;
  minimality    removing any one base component (all its claimed positions) lowers faithfulness, or the answers
                kept at some counted position, by ≥ δ — or, for
                heads that stand in for each other (OR-gates), removing all such heads of a layer costs ≥ δ
                and putting each back recovers ≥ δ/2 —, and
                no component is padded: its positions that a screen (each unit removed alone, on 32 rows) marks
                as (nearly) inert — each costing < δ/50 when removed with its parallel alternatives (the other
                claimed heads of its layer, so redundant copies are not padding) — removed together cost ≥ δ
                on every row, or change the circuit's answers on ≥ NEEDED_ROWS (1%) of the rows: a position
                that rare rows need is not padding, however cheap on average;
  baseline      the circuit beats (strictly; ties are not wins) `baseline_percentile` of `random_circuits`
                random circuits of as many units, and the check has power: at most 1 − `baseline_percentile`
                of them reach the faithfulness threshold themselves (random circuits and the claimed one are
                compared on the first 64 graded rows).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import torch

from ..hypothesis import Circuit, HypothesisError
from ..puzzle.components import Component, ComponentSpace
from .context import Baseline, ClaimResult, Context, ratio, result, to_np
from .coverage import coverage_runs, judged_positions
from .edits import Replace
from .sample import ABLATIONS

Keep = dict[str, np.ndarray]  # base component -> bool [pos]: the units kept


def keep_mask(space: ComponentSpace, components: list[Component]) -> Keep:
    keep: Keep = {}
    for comp in components:
        mask = keep.setdefault(comp.base, np.zeros(space.n_ctx, dtype=bool))
        mask[list(comp.positions) if comp.positions is not None else slice(None)] = True
    return keep


def _outside(space: ComponentSpace, keep: Keep, replacement) -> list[Replace]:
    """Edits that replace every unit not kept with `replacement(component)`."""
    none = np.zeros(space.n_ctx, dtype=bool)
    return [Replace(c, torch.from_numpy(~keep.get(c.base, none)), replacement(c)) for c in space.all()
            if not keep.get(c.base, none).all()]


def _first_rows(ctx: Context, rows: int):
    """(sample, metric, outside) on the first `rows` graded rows, for cheap runs: outside(keep) ablates every
    unit not in `keep` with the default ablation's replacement, cut to those rows."""
    rows = min(rows, ctx.n)
    sample, metric = ctx.subset(rows)
    replacements = {c.base: ctx.ablated(c)[:rows] for c in ctx.space.all()}
    return sample, metric, lambda keep: _outside(ctx.space, keep, lambda c: replacements[c.base])


def ablate_outside(ctx: Context, keep: Keep, ablation: str | None = None) -> list[Replace]:
    """Edits that ablate every unit not kept."""
    return _outside(ctx.space, keep, lambda c: ctx.ablated(c, ablation))


def _without(keep: Keep, base: str, positions: np.ndarray | None = None) -> Keep:
    out = {b: m.copy() for b, m in keep.items()}
    if positions is None:
        out.pop(base)
    else:
        out[base][positions] = False
    return out


INERT = 0.02  # a unit is a padding candidate when removing it (with its parallel alternatives) costs < INERT × δ
NEEDED_ROWS = 0.01  # candidates that change the circuit's answers on this share of rows are needed there, not padding
# (measured: padded decoys change 0% of rows; positions the references need on rare rows, 7–34%)
SCREEN_ROWS = 32  # rows used to screen single units for padding (the verdict comes from a run on every row)


def _group(space: ComponentSpace, base: str) -> str:
    """Parallel alternatives share a group: the heads of one layer (redundant copies are not padding)."""
    comp = space.parse(base)
    return f"heads{comp.layer}" if comp.kind == "head" else base


def _position_local(space: ComponentSpace, group: list[str]) -> bool:
    """Whether removing the group at position p can change the logits only at p: the last layer's heads and MLP
    (after them come only same-position MLPs, the final LayerNorm and the unembedding)."""
    comps = [space.parse(b) for b in group]
    return all(c.kind in ("head", "mlp") and c.layer == space.n_layers - 1 for c in comps)


def inert_by_construction(space: ComponentSpace, base: str, counted: np.ndarray) -> np.ndarray:
    """Bool [pos]: the positions at which `base` can reach no counted output (`counted`, bool [pos]), whatever the
    weights: a last-layer head or MLP reaches only its own position, anything else only its own and later ones
    (the causal mask). A component named whole (without positions) is not padded there: it claims no position in
    particular. Named explicitly, such a position is padding like any other inert one."""
    if _position_local(space, [base]):
        return ~counted
    reach_later = np.flip(np.logical_or.accumulate(np.flip(counted)))  # some counted position at or after p
    return ~reach_later


def _unit_drops(ctx: Context, keep: Keep) -> dict[str, np.ndarray]:
    """Faithfulness lost by removing a position from a component and its parallel alternatives (the other
    claimed heads of its layer), screened on the first SCREEN_ROWS rows.

    Each unit is a run of its own, except in the last layer: there a unit at position p changes only the
    logits at p, so one run removing the group at every position gives, at p, exactly the logits of removing
    p alone; the unit's metric is taken on the circuit's logits with position p swapped in (same numbers,
    one pass instead of one per position)."""
    rows = min(SCREEN_ROWS, ctx.n)
    sample, metric, outside = _first_rows(ctx, rows)

    def removed(k: Keep, g: str, positions) -> Keep:
        k = {b: m.copy() for b, m in k.items()}
        for b in groups[g]:
            k[b][positions] = False
        return k

    groups: dict[str, list[str]] = {}
    for b in keep:
        groups.setdefault(_group(ctx.space, b), []).append(b)
    units = sorted({(g, int(p)) for g, members in groups.items() for b in members if keep[b].sum() > 1
                    for p in np.nonzero(keep[b])[0]})
    local = sorted({g for g, _ in units if _position_local(ctx.space, groups[g])})
    spread = [(g, p) for g, p in units if g not in local]
    whole = [removed(keep, g, [p for h, p in units if h == g]) for g in local]
    logits = sample.run([outside(keep)] + [outside(k) for k in whole], lambda x: x)
    circuit_logits, local_logits = logits[0], dict(zip(local, logits[1:]))
    measured = {u: to_np(m) for u, m in zip(spread, sample.run([outside(removed(keep, g, [p])) for g, p in spread],
                                                                 metric))}
    for g, p in units:
        if g in local:
            swapped = circuit_logits.clone()
            swapped[:, p] = local_logits[g][:, p]
            measured[(g, p)] = to_np(metric(swapped))
    base = to_np(metric(circuit_logits))
    scale = float((ctx.m_clean()[:rows] - ctx.m_empty()[:rows]).mean())
    drops = {b: np.full(ctx.space.n_ctx, np.inf) for b in keep}
    for (g, p), m in measured.items():
        for b in groups[g]:
            drops[b][p] = float((base - m).mean()) / scale if abs(scale) > 1e-12 else 0.0
    return drops


def _redundant(ctx: Context, keep: Keep, unneeded: list[str], value: float, faith) -> list[str]:
    """Heads that can go one at a time because a parallel head of their layer stands in for them (OR-gates).

    Among the individually unneeded heads U of one layer, head c is redundant-but-needed when removing all
    of U costs ≥ δ and putting c back recovers ≥ δ/2 of it; a useless head added beside a needed pair
    recovers nothing and stays unneeded.
    """
    groups: dict[str, list[str]] = {}
    for b in unneeded:
        groups.setdefault(_group(ctx.space, b), []).append(b)
    groups = {g: members for g, members in groups.items() if len(members) > 1}
    if not groups:
        return []
    variants, labels = [], []
    for g, members in groups.items():
        rest = keep
        for b in members:
            rest = _without(rest, b)
        variants.append(ablate_outside(ctx, rest)), labels.append((g, None))
        for b in members:
            variants.append(ablate_outside(ctx, {**rest, b: keep[b]})), labels.append((g, b))
    metrics = dict(zip(labels, ctx.runs(variants)))
    excused = []
    for g, members in groups.items():
        all_gone = faith(metrics[(g, None)])
        if value - all_gone < ctx.spec.delta:
            continue
        excused += [b for b in members if faith(metrics[(g, b)]) - all_gone >= ctx.spec.delta / 2]
    return sorted(excused)


BASELINE_ROWS = 64  # rows on which random circuits are run (compared with the claimed circuit on the same rows)


def _random_baseline(ctx: Context, keep: Keep, size: int, m_circuit: np.ndarray) -> tuple[list[float], float, str]:
    """Faithfulness of `spec.random_circuits` random circuits of `size` units (drawn from every component at
    every position), the claimed circuit's on the same rows (the first BASELINE_ROWS), and what they are. Where
    there are no more other circuits of that size than that, every one of them is run instead (a sample would
    repeat some and miss others: on a model of six units, a share of 4-unit circuits that reach the threshold
    drawn at random is mostly noise)."""
    space, rows = ctx.space, min(BASELINE_ROWS, ctx.n)
    sample, metric, outside = _first_rows(ctx, rows)
    units = [(c.base, p) for c in space.all() for p in range(space.n_ctx)]
    size = min(size, len(units))
    claimed = frozenset(i for i, (b, p) in enumerate(units) if keep.get(b) is not None and keep[b][p])
    if math.comb(len(units), size) - 1 <= ctx.spec.random_circuits:
        draws = [c for c in itertools.combinations(range(len(units)), size) if frozenset(c) != claimed]
        what = f"other circuits of {size} units" + (f" (all {len(draws)} of them)" if draws else "")
    else:
        draws = [ctx.rng.choice(len(units), size=size, replace=False) for _ in range(ctx.spec.random_circuits)]
        what = f"random circuits of {size} units"
    variants = []
    for chosen in draws:
        rand_keep: Keep = {}
        for u in chosen:
            rand_keep.setdefault(units[u][0], np.zeros(space.n_ctx, dtype=bool))[units[u][1]] = True
        variants.append(outside(rand_keep))
    m_empty, m_clean = ctx.m_empty()[:rows], ctx.m_clean()[:rows]
    values = [ratio(to_np(m) - m_empty, m_clean - m_empty) for m in sample.run(variants, metric)] if variants else []
    return values, ratio(m_circuit[:rows] - m_empty, m_clean - m_empty), what


def _put_back(ctx: Context, keep: Keep, m_circuit: np.ndarray) -> dict[str, float]:
    """Faithfulness gained by putting back each component the circuit leaves out, wherever it leaves it out: screened
    on the first BASELINE_ROWS rows; a component that gains ≥ δ/2 there is run again on every row (its gain is that
    run's)."""
    space, rows = ctx.space, min(BASELINE_ROWS, ctx.n)
    left_out = [c.base for c in space.all() if not keep.get(c.base, np.zeros(space.n_ctx, dtype=bool)).all()]
    if not left_out:
        return {}

    def whole(base: str) -> Keep:
        return {**keep, base: np.ones(space.n_ctx, dtype=bool)}

    m_empty, m_clean = ctx.m_empty(), ctx.m_clean()

    def gain(m: np.ndarray, circuit: np.ndarray) -> float:
        k = len(m)
        return ratio(m - circuit, m_clean[:k] - m_empty[:k])

    sample, metric, outside = _first_rows(ctx, rows)
    screened = sample.run([outside(whole(b)) for b in left_out], metric)
    gains = {b: gain(to_np(m), m_circuit[:rows]) for b, m in zip(left_out, screened)}
    confirm = [b for b in left_out if gains[b] >= ctx.spec.delta / 2]
    for b, m in zip(confirm, ctx.runs([ablate_outside(ctx, whole(b)) for b in confirm])):
        gains[b] = gain(m, m_circuit)
    return gains


def check(ctx: Context, index: int, claim: Circuit) -> ClaimResult:
    comps = [ctx.space.parse(c) for c in claim.components]
    if not comps:
        raise HypothesisError(f"Circuit claim {index} lists no components; name at least one.")
    spec, space = ctx.spec, ctx.space
    keep = keep_mask(space, comps)
    size = int(sum(m.sum() for m in keep.values()))
    m_clean = ctx.m_clean()

    def faith(m: np.ndarray, ablation: str | None = None, rows=None) -> float:
        m_empty = ctx.m_empty(ablation)
        return ratio(m - m_empty, m_clean - m_empty, rows)

    # padding candidates: per component, its least important positions whose screened cost adds up to < δ/2
    estimates = _unit_drops(ctx, keep)
    candidates: dict[str, np.ndarray] = {}
    counted = ctx.task_mask.any(0)
    whole = {c.base for c in comps if c.positions is None}  # named without positions: claims no position in particular
    for base, mask in keep.items():
        inert = inert_by_construction(space, base, counted) if base in whole else np.zeros_like(mask)
        positions = np.nonzero(mask & ~inert)[0]
        if len(positions) < 2:
            continue
        order = positions[np.argsort(estimates[base][positions], kind="stable")]
        order = order[estimates[base][order] < spec.delta * INERT]
        cumulative = np.cumsum(np.maximum(estimates[base][order], 0))
        chosen = order[cumulative < spec.delta / 2]
        if 0 < len(chosen) < len(positions):
            candidates[base] = np.sort(chosen)

    variants, labels = [], []
    for ablation in ABLATIONS:
        variants.append(ablate_outside(ctx, keep, ablation)), labels.append(("ablation", ablation))
    for base in keep:
        variants.append(ablate_outside(ctx, _without(keep, base))), labels.append(("without", base))
    covered = dict(zip(labels, coverage_runs(ctx, variants)))
    for base, positions in candidates.items():  # removed with the parallel heads claimed there, as screened
        group = [b for b in keep if _group(space, b) == _group(space, base)]
        rest = keep
        for b in group:
            rest = _without(rest, b, positions)
        variants.append(ablate_outside(ctx, rest)), labels.append(("padding", base))
    metrics = [covered[label].metric for label in labels if label in covered]
    metrics += ctx.runs(variants[len(covered):])
    random_values, value_on_baseline_rows, baseline_what = _random_baseline(ctx, keep, size,
                                                                            metrics[ABLATIONS.index(ctx.ablation)])

    by_ablation = {arg: faith(m, arg) for (label, arg), m in zip(labels, metrics) if label == "ablation"}
    m_circuit = metrics[ABLATIONS.index(ctx.ablation)]
    value = by_ablation[ctx.ablation]
    ci = ctx.bootstrap(lambda r: faith(m_circuit, None, r))
    without = {arg: faith(m) for (label, arg), m in zip(labels, metrics) if label == "without"}
    judged = judged_positions(ctx)
    own = covered[("ablation", ctx.ablation)].kept

    def answers_lost(label) -> float:  # the most answers kept lost at a judged position, going from `own` to `label`
        return float(np.max(own[judged] - covered[label].kept[judged], initial=0.0))


    cheap = sorted(b for b, f in without.items() if value - f < spec.delta)
    worst = int(np.argmin(np.where(judged, own, np.inf))) if judged.any() else 0
    start = ctx.task_mask.any(0).argmax()
    put_back = _put_back(ctx, keep, m_circuit)
    missing = sorted(b for b, gain in put_back.items() if gain >= spec.delta)
    redundant = _redundant(ctx, keep, cheap, value, faith)
    # needed: removing it costs δ of the metric, or of the answers kept at some position, or it stands in for a
    # parallel head
    unneeded = [b for b in cheap if b not in redundant and answers_lost(("without", b)) < spec.delta]
    padding = {}
    cheap = [(arg, v) for (label, arg), m, v in zip(labels, metrics, variants)
             if label == "padding" and value - faith(m) < spec.delta and arg not in unneeded]
    if cheap:  # cheap on average; padding only if no answers depend on them either (a position needed on rare rows)
        circuit_variant = variants[ABLATIONS.index(ctx.ablation)]
        agree = ctx.runs([circuit_variant] + [v for _, v in cheap], reduce=lambda x: torch.from_numpy(ctx.top1_rows(x)))
        for (arg, _), answers in zip(cheap, agree[1:]):
            if float((answers < agree[0] - 1e-9).double().mean()) < NEEDED_ROWS:
                padding[arg] = [int(p) for p in candidates[arg]]
    baseline = Baseline.of(value_on_baseline_rows, random_values, spec.faithfulness, spec.baseline_percentile,
                           baseline_what)

    failures, notes = [], []
    others = ", ".join(f"{a} {v:.3f}" for a, v in by_ablation.items() if a != ctx.ablation)
    notes.append(f"faithfulness {value:.3f} (threshold {spec.faithfulness}) under {ctx.ablation} ablation ({others})")
    if judged.any() and not own[worst] >= spec.faithfulness:
        failures.append("circuit.positions")
        where = "the answer position" if ctx.task_metric == "logit_diff" else f"position {start + worst}"
        notes.append(f"at {where} it keeps the model's answer on only {own[worst]:.3f} of the rows "
                     f"(threshold {spec.faithfulness} at every counted position): look for what that position needs")
    if missing:
        failures.append("circuit.completeness")
        notes.append(f"left out but needed (putting each back where the circuit leaves it out recovers ≥ δ={spec.delta} "
                     "of the metric): " + ", ".join(f"{b} (+{put_back[b]:.3f})" for b in missing))
    if not value >= spec.faithfulness:
        failures.append("circuit.faithfulness")
        weakest = max(by_ablation, key=by_ablation.get)
        notes.append("the circuit misses part of the mechanism: look for components whose removal from the full "
                     "model costs the most" + (f" (it does better under {weakest} ablation: {by_ablation[weakest]:.3f})"
                                               if by_ablation[weakest] > value + 0.05 else ""))
    if unneeded or padding:
        failures.append("circuit.minimality")
        if unneeded:
            notes.append(f"not needed (removing each costs less than δ={spec.delta}, and none stands in for a "
                         f"parallel head): {', '.join(unneeded)}")
        for base, positions in padding.items():
            notes.append(f"{base} is padded: its positions {positions} can go together at a cost below δ")
    else:
        notes.append("every component and position needed")
    if redundant:
        notes.append(f"redundant but needed together: {', '.join(redundant)} (each alone can go, but not all)")
    if baseline.failed:
        failures.append("circuit.baseline")
    notes.append(baseline.note)
    # a circuit that would pass but for a baseline with no power cannot fail: vacuous (it blocks a solve only
    # where the puzzle requires a circuit, through the circuit part of the criterion)
    vacuous = baseline.no_power and failures == ["circuit.baseline"]
    return result(ctx, index, "circuit", claim.name, value, spec.faithfulness, failures, "; ".join(notes) + ".",
                  ci=ci, ablation=ctx.ablation, vacuous=vacuous,
                  details={"faithfulness_by_ablation": by_ablation, "without": without, "unneeded": unneeded, "redundant": redundant,
                           "padding": padding, "baseline_wins": baseline.wins, "baseline_reach": baseline.reach,
                           "random_faithfulness": random_values, "baseline_rows": min(BASELINE_ROWS, ctx.n), "size": size,
                           "components": [str(c) for c in comps],
                           "answers_kept": {"first_position": int(start), "by_position": own.tolist(),
                                            "judged": judged.tolist()},
                           "put_back": put_back, "missing": missing})
