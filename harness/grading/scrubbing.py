"""Scrubbing claims: component C depends on the input only through `feature`.

Each claimed (row, position) unit of C is resampled from a unit of the source sample with the same feature
value ("same") or a different one ("diff"):
  value     (m(same) − m(diff)) / (m(model) − m(diff)) ≥ `scrubbing`;
  per position  at every counted position where resampling across classes loses ≥ δ of the model's answers (on ≥ 10
            rows), the same-class resample keeps ≥ `scrubbing` of the answers lost: (kept(same) − kept(diff)) /
            (1 − kept(diff)) (`scrubbing.positions`: a feature wrong at one position of 23 passes on average);
  testable  (m(model) − m(diff)) / (m(model) − m(empty)) ≥ δ, and ≥ 90% of units find a same-valued match;
  non-trivial  the same-class resample actually changes C's activation at ≥ 50% of units. A feature that is
            a one-to-one function of C's own direct input (the token for `embed`, the position for
            `pos_embed`) changes nothing, so it is true of every model and earns nothing;
  not the output  (checked when the claim would pass) C is not all the counted outputs read that varies:
            patching C from a source input on an untrained model of this architecture does not make it output what
            it outputs on the source (at ≥ 90% of task positions). Where it does (a last head at a position whose
            token never changes), "C depends only on the label" follows from the model's accuracy alone and
            restates the task; a wrong feature still fails.
A claim that is not testable, trivial or about the output itself is vacuous: it explains nothing.
"""

from __future__ import annotations

import numpy as np
import torch

from ..hypothesis import HypothesisError, Scrubbing
from .context import ClaimResult, Context, ratio, result, to_np
from .coverage import coverage_runs, kept_beyond
from .edits import Replace
from .interchange import WHOLE_INPUT, swaps_the_input

MIN_COVERAGE = 0.9  # share of units that must find a same-valued match
MIN_CHANGED = 0.5  # share of same-class resamples that must change the activation


def _feature(ctx: Context, index: int, tokens: np.ndarray) -> np.ndarray:
    values = np.asarray(ctx.call(index, "feature", (tokens,)))
    if values.shape == (len(tokens),):
        values = np.repeat(values[:, None], tokens.shape[1], axis=1)
    if values.shape != tokens.shape:
        raise HypothesisError(f"Scrubbing claim {index} feature returned shape {values.shape}; return one value per "
                              f"(row, position): shape {tokens.shape}.")
    return values


def _match(rng: np.random.Generator, base_values: np.ndarray, pool_values: np.ndarray, same: bool) -> np.ndarray:
    """For each base unit, a random pool unit index with an equal (same=True) or different value; -1 if none."""
    order = np.argsort(pool_values, kind="stable")
    sorted_values = pool_values[order]
    lo = np.searchsorted(sorted_values, base_values, "left")
    hi = np.searchsorted(sorted_values, base_values, "right")
    if same:
        count = hi - lo
        pick = lo + (rng.random(len(base_values)) * np.maximum(count, 1)).astype(int)
        return np.where(count > 0, order[np.minimum(pick, len(order) - 1)], -1)
    others = len(pool_values) - (hi - lo)
    k = (rng.random(len(base_values)) * np.maximum(others, 1)).astype(int)
    pick = np.where(k < lo, k, k + (hi - lo))  # skip the block of equal values
    return np.where(others > 0, order[np.minimum(pick, len(order) - 1)], -1)


def check(ctx: Context, index: int, claim: Scrubbing) -> ClaimResult:
    comp = ctx.space.parse(claim.component)
    positions = np.array(comp.positions if comp.positions is not None else range(ctx.space.n_ctx))
    base_tokens, pool_tokens = ctx.sample.batch["tokens"].numpy(), ctx.sample.source_batch["tokens"].numpy()
    fb, fp = _feature(ctx, index, base_tokens)[:, positions], _feature(ctx, index, pool_tokens)[:, positions]
    _, codes = np.unique(np.concatenate([fb.ravel(), fp.ravel()]).astype(str), return_inverse=True)
    base_codes, pool_codes = codes[: fb.size], codes[fb.size:]
    base_act, pool_act = ctx.base.activation(comp), ctx.source.activation(comp)  # [rows, pos, d]
    n_pos = len(positions)
    b_rows, b_idx = np.divmod(np.arange(fb.size), n_pos)
    edits, coverage, changed = {}, {}, 0.0
    for label, same in (("same", True), ("different", False)):
        match = _match(ctx.rng, base_codes, pool_codes, same)
        found = match >= 0
        coverage[label] = float(found.mean())
        src_rows, src_pos = np.divmod(np.where(found, match, 0), n_pos)
        sel = np.nonzero(found)[0]
        replacement = base_act.clone()
        mask = torch.zeros(ctx.n, ctx.space.n_ctx, dtype=torch.bool)
        new = pool_act[src_rows[sel], positions[src_pos[sel]]]
        if same and len(sel):
            old = base_act[b_rows[sel], positions[b_idx[sel]]]
            scale = float(base_act.norm(dim=-1).mean()) + 1e-12
            changed = float(((new - old).norm(dim=-1) > 1e-4 * scale).double().mean())
        replacement[b_rows[sel], positions[b_idx[sel]]] = new
        mask[b_rows[sel], positions[b_idx[sel]]] = True
        edits[label] = [Replace(comp, mask, replacement)]
    same_run, diff_run = coverage_runs(ctx, [edits["same"], edits["different"]])
    m_same, m_diff = same_run.metric, diff_run.metric
    by_position, judged = kept_beyond(ctx, same_run.kept, diff_run.kept)
    worst = int(np.nanargmin(by_position)) if judged.any() else -1
    first = int(ctx.task_mask.any(0).argmax())
    m_clean, m_empty = ctx.m_clean(), ctx.m_empty()
    value = ratio(m_same - m_diff, m_clean - m_diff)
    effect = ratio(m_clean - m_diff, m_clean - m_empty)
    threshold, delta = ctx.spec.scrubbing, ctx.spec.delta
    failures, vacuous = [], False
    if coverage["same"] < MIN_COVERAGE:
        failures.append("scrubbing.coverage")
        vacuous = True
        message = (f"only {coverage['same']:.0%} of {comp} units have another input with the same feature value; "
                   "the feature is too fine to test: group its values more coarsely.")
    elif changed < MIN_CHANGED:
        failures.append("scrubbing.trivial")
        vacuous = True
        message = (f"resampling {comp} within your feature classes changes its activation at only {changed:.0%} of "
                   f"units: the feature determines {comp}'s own input, which is true of every model. Claim a coarser "
                   "feature (what the component keeps of its input), not a relabelling of it.")
    elif not effect >= delta:
        failures.append("scrubbing.untestable")
        vacuous = True
        message = (f"resampling {comp} from inputs with a different feature costs only {effect:.3f} of the metric "
                   f"(δ={delta}): the claim cannot fail, so it earns nothing. Redundant components can be tested "
                   "together, or the feature does not matter here.")
    elif not value >= threshold:
        failures.append("scrubbing")
        message = (f"resampling {comp} within feature classes keeps {value:.3f} of the metric (threshold {threshold}): "
                   "the component also depends on something the feature does not capture.")
    elif worst >= 0 and not by_position[worst] >= threshold:
        failures.append("scrubbing.positions")
        where = "the answer position" if ctx.task_metric == "logit_diff" else f"position {first + worst}"
        message = (f"resampling {comp} within feature classes keeps {value:.3f} of the metric, but at {where} it "
                   f"keeps only {by_position[worst]:.3f} of the answers that resampling across classes loses (threshold "
                   f"{threshold} at every counted position where {comp} decides answers): the feature is wrong there.")
    elif (swapped := swaps_the_input(ctx, comp, ctx.task_mask)) >= WHOLE_INPUT:  # true, but of any accurate model
        failures.append("scrubbing.output_only")
        vacuous = True
        message = (f"resampling {comp} within feature classes keeps {value:.3f} of the metric, but {comp} is all that "
                   f"the counted outputs read that changes with the input: patching it from another input makes even an "
                   f"untrained model of this architecture output what it outputs there ({swapped:.0%} of task "
                   "positions). What it carries is then the output itself, and the claim restates the task. Say how "
                   "it computes it instead (where it attends, through which inputs).")
    else:
        message = (f"resampling {comp} within feature classes keeps {value:.3f} of the metric (threshold {threshold}); "
                   f"across classes it costs {effect:.3f}.")
    ci = ctx.bootstrap(lambda r: ratio(m_same - m_diff, m_clean - m_diff, r))
    if not vacuous:
        ctx.offer(index, edits["same"])
    return result(ctx, index, "scrubbing", claim.name, value, threshold, failures, message, explains=[comp.base], ci=ci,
                  ablation="resample", vacuous=vacuous,
                  details={"effect_of_different": effect, "coverage": coverage, "changed_share": changed,
                           "answers_kept": {"first_position": first, "by_position": np.nan_to_num(by_position, nan=-1).tolist(),
                                            "judged": judged.tolist()}})
