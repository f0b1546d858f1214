"""Attention claims: head H, at the puzzle's query positions, attends to the keys `rule(tokens)` names.

Judged on every declared query (`[grading] attention_queries`, else the task positions; a claim cannot narrow
them, and a query where the rule names no key counts as a miss). Queries a claim adds with `queries=` are judged
on their own and must pass too, so they cannot dilute the declared ones. A head named with positions
(`L0H1[11:25]`: where a layer-0 head is used, which need not be where the task is counted) is judged at those
queries instead, and must not be used anywhere else: ablating it at every other position must cost < δ of the
metric, in the model and with the other heads of its layer ablated (a backup could hide the cost;
`attention.elsewhere`), so a claim cannot pick the queries where its rule happens to hold:
  coverage   M, the mean attention mass on the claimed keys;
  chance     C, the mean share of attendable keys claimed (what a uniform head would put on them);
  value      M − C ≥ `attention`: attention above chance, unnormalised, so claiming most keys scores near
             zero and adding a key that gets less than its chance share lowers the value;
  per query  the claim must hold where it says something, not on average: at ≥ `per_unit` (0.95) of the judged
             queries where the rule names some but not every attendable key (where it names all, or more than
             1 − `attention_query` of them, it says nothing; where it names none, it misses), the claimed keys get
             at least `attention_query` (0.1) more than their chance share. A rule wrong at one query in ten fails,
             whatever the mean;
  broad      a rule claiming more than 1 − `attention` of the attendable keys cannot pass even if the head attends
             only there: where nothing else fails and M ≥ C, it is VACUOUS (`attention.broad`), not false;
  intervention  replacing the head's pattern at those queries by the claimed one (restricted to the claimed
             keys, renormalised) keeps (m(sub) − m(head ablated)) / (m(model) − m(head ablated)) ≥
             `attention_intervention`. Skipped (reported) when ablating the head alone costs less than δ.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import torch

from ..hypothesis import Attention, HypothesisError
from .context import ClaimResult, Context, positions_mask, ratio, result, to_np
from .edits import Pattern, Replace
from .visibility import partner_candidates


def key_mask(raw: np.ndarray, rows: int, n_ctx: int, what: str) -> np.ndarray:
    raw = np.asarray(raw)
    if raw.shape == (rows, n_ctx) and np.issubdtype(raw.dtype, np.integer):
        mask = np.zeros((rows, n_ctx, n_ctx), dtype=bool)
        r, q = np.nonzero(raw >= 0)
        keys = raw[r, q]
        if (keys >= n_ctx).any():
            raise HypothesisError(f"{what} returned key positions >= {n_ctx}.")
        mask[r, q, keys] = True
        return mask
    if raw.shape == (rows, n_ctx, n_ctx) and raw.dtype == bool:
        return raw.copy()
    raise HypothesisError(f"{what} returned an array of shape {raw.shape} and dtype {raw.dtype}; return int keys "
                          f"[{rows}, {n_ctx}] (-1 = none) or a bool mask [{rows}, {n_ctx}, {n_ctx}].")


def declared_queries(ctx: Context) -> np.ndarray:
    """Bool [rows, pos]: the puzzle's attention queries (or task positions)."""
    queries = ctx.task_mask.copy()
    if ctx.spec.attention_queries is not None:
        start, stop = ctx.spec.attention_queries
        queries[:] = False
        queries[:, start:stop] = True
    return queries


def _excess_rows(pattern: np.ndarray, claimed: np.ndarray, queries: np.ndarray):
    """Per row: attention mass on the claimed keys, their chance share, and the queries counted."""
    n_keys = np.arange(1, pattern.shape[-1] + 1)[None, :]
    mass = np.where(queries, (pattern * claimed).sum(-1), 0.0).sum(-1)
    chance = np.where(queries, claimed.sum(-1) / n_keys, 0.0).sum(-1)
    return mass, chance, queries.sum(-1).astype(float)


def _excess(mass: np.ndarray, chance: np.ndarray, counted: np.ndarray, r=slice(None)):
    """Mass minus chance per counted query, over rows `r` (or per resample when `r` is [resamples, n])."""
    if isinstance(r, np.ndarray) and r.ndim == 2:
        total = counted[r].sum(-1)
        safe = total > 0
        return np.where(safe, (mass[r].sum(-1) - chance[r].sum(-1)) / np.where(safe, total, 1.0), np.nan)
    total = counted[r].sum()
    return float((mass[r].sum() - chance[r].sum()) / total) if total else float("nan")


def per_query(pattern: np.ndarray, claimed: np.ndarray, queries: np.ndarray, margin: float) -> tuple[int, int]:
    """(held, judged): of the queries where the rule names no key or few enough attendable keys that the claim could
    hold (their chance share at most 1 − `margin`), those where the claimed keys get at least `margin` more attention
    than their chance share."""
    n_keys = np.arange(1, pattern.shape[-1] + 1)[None, :]
    named = claimed.sum(-1)
    # naming every attendable key says nothing about this query, nor does naming so many that even all the attention
    # on them would not reach `margin` above their chance share
    judged = queries & (named < n_keys) & (named / n_keys <= 1 - margin)
    excess = (pattern * claimed).sum(-1) - named / n_keys
    return int((judged & (named > 0) & (excess >= margin)).sum()), int(judged.sum())


def _missed_keys(pattern: np.ndarray, claimed: np.ndarray, queries: np.ndarray) -> str:
    """The most common offset (query − key) of the most attended key outside the rule, as a hint."""
    outside = np.where(claimed, -1.0, pattern)
    r, q = np.nonzero(queries)
    if not len(r):
        return ""
    best = outside[r, q].argmax(-1)
    mass = outside[r, q, best]
    offsets = Counter((q - best)[mass > 0.1].tolist())
    if not offsets:
        return ""
    offset, count = offsets.most_common(1)[0]
    share = float(mass[(q - best) == offset].mean())
    where = "the query itself" if offset == 0 else f"key q−{offset}" if offset > 0 else f"key q+{-offset}"
    return (f" The rule leaves out {where}, which gets {share:.2f} of the attention at {count / len(r):.0%} of the "
            "queries: consider adding it.")


def check(ctx: Context, index: int, claim: Attention) -> ClaimResult:
    head = ctx.space.parse(claim.head)
    if head.kind != "head":
        raise HypothesisError(f"Attention claim {index} names {claim.head!r}, which is not an attention head (e.g. L1H0).")
    tokens = ctx.sample.batch["tokens"].numpy()
    rows, n_ctx = tokens.shape
    claimed = key_mask(ctx.call(index, "rule", (tokens,)), rows, n_ctx, f"Attention claim {index} rule")
    claimed &= np.tril(np.ones((n_ctx, n_ctx), dtype=bool))[None]  # keys after the query cannot be attended
    declared = declared_queries(ctx)
    if head.positions is not None:  # judged where the claim says the head is used
        declared = np.zeros_like(declared)
        declared[:, [q for q in head.positions if 0 <= q < n_ctx]] = True
    extra = np.zeros_like(declared)
    if claim.queries is not None:
        extra[:, [q for q in claim.queries if 0 <= q < n_ctx]] = True
        extra &= ~declared
    queries = declared | extra
    pattern = to_np(ctx.base.pattern(head.layer, head.head))
    mass, chance, counted = _excess_rows(pattern, claimed, declared)
    value = _excess(mass, chance, counted)
    m = float(mass.sum() / counted.sum()) if counted.sum() else 0.0
    c = float(chance.sum() / counted.sum()) if counted.sum() else 0.0
    ci = ctx.bootstrap(lambda r: _excess(mass, chance, counted, r))
    extra_value = _excess(*_excess_rows(pattern, claimed, extra)) if extra.any() else None
    held, judged = per_query(pattern, claimed, queries, ctx.spec.attention_query)
    held_rate = held / judged if judged else 1.0

    # the intervention: the claimed pattern in place of the head's own
    substitute = np.where(claimed, pattern, 0.0)
    total = substitute.sum(-1, keepdims=True)
    use = queries & (claimed.any(-1)) & (total[..., 0] > 0)
    substitute = np.where(total > 0, substitute / np.maximum(total, 1e-12), 0.0)
    edit = Pattern(head.layer, head.head, torch.from_numpy(use), torch.from_numpy(substitute).float())
    variants = [[edit], [ctx.ablate_all(head)]]
    if head.positions is not None:  # the head elsewhere, alone and with the heads beside it (which may back it up)
        whole = ctx.space.parse(head.base)
        unclaimed = Replace(whole, ~positions_mask(n_ctx, head), ctx.ablated(whole))
        beside = [ctx.ablate_all(p) for p in partner_candidates(ctx.space, whole)]
        variants += [[unclaimed]] + ([beside, beside + [unclaimed]] if beside else [])
    m_sub, m_abl, *m_elsewhere = ctx.runs(variants)
    ctx.offer(index, [edit])
    m_clean, m_empty = ctx.m_clean(), ctx.m_empty()
    effect = ratio(m_clean - m_abl, m_clean - m_empty)
    elsewhere = None
    if m_elsewhere:
        elsewhere = ratio(m_clean - m_elsewhere[0], m_clean - m_empty)
        if len(m_elsewhere) == 3:
            elsewhere = max(elsewhere, ratio(m_elsewhere[1] - m_elsewhere[2], m_clean - m_empty))
    kept = ratio(m_sub - m_abl, m_clean - m_abl)
    testable = bool(effect >= ctx.spec.delta)

    threshold = ctx.spec.attention
    failures = []
    if not (np.isfinite(value) and value >= threshold):
        failures.append("attention")
    if testable and not kept >= ctx.spec.attention_intervention:
        failures.append("attention.intervention")
    if extra_value is not None and not extra_value >= threshold:
        failures.append("attention.extra_queries")
    if held_rate < ctx.spec.per_unit:
        failures.append("attention.per_query")
    if elsewhere is not None and not elsewhere < ctx.spec.delta:
        failures.append("attention.elsewhere")
    # a rule naming so many keys that a head attending only to them would still score below the threshold cannot pass:
    # true as far as it goes (at or above chance, and nothing else fails), it says too little to be tested
    broad = bool(1 - c < threshold and failures == ["attention"] and value >= 0)
    if broad:
        failures = ["attention.broad"]
    message = (f"{head.base} puts {m:.3f} of its attention on the claimed keys at {int(counted.sum() / rows)} queries "
               f"per row, where a uniform head would put {c:.3f}: {value:.3f} above chance (threshold {threshold}); ")
    if extra_value is not None:
        message += (f"at the {int(extra.sum() / rows)} extra queries the claim adds, judged on their own, "
                    f"{extra_value:.3f}; ")
    if judged:
        message += (f"the claimed keys get at least {ctx.spec.attention_query} above their chance share at {held_rate:.1%} "
                    f"of the {judged} queries where the rule names some but not all attendable keys (needs "
                    f"{ctx.spec.per_unit:.0%}); ")
    if testable:
        message += (f"substituting the claimed pattern keeps {kept:.3f} of the head's effect "
                    f"(threshold {ctx.spec.attention_intervention}).")
    else:
        message += (f"the head alone costs only {effect:.3f} of the metric (δ={ctx.spec.delta}), so substituting "
                    "its pattern was not tested here (the joint test still does).")
    if "attention.elsewhere" in failures:
        message += (f" {head.base} is used at positions the claim leaves out: ablating it there costs {elsewhere:.3f} "
                    f"of the metric (δ={ctx.spec.delta}). Name every position where it is used, or none to be judged "
                    "at the puzzle's queries.")
    if broad:
        message += (f" The rule claims {c:.0%} of the attendable keys: even a head attending only to them would score "
                    f"at most {1 - c:.3f} above chance, below the threshold, so the claim cannot pass and earns nothing "
                    "(VACUOUS). Name the keys that matter.")
    elif failures:
        message += _missed_keys(pattern, claimed, queries)
        if c > 0.5:
            message += " The rule claims most attendable keys: a claim this broad says little; name the keys that matter."
    return result(ctx, index, "attention", claim.name, value, threshold, failures, message, explains=[head.base], ci=ci,
                  vacuous=broad,
                  details={"mass": m, "chance": c, "extra_queries_value": extra_value, "intervention_kept": kept,
                           "queries_held": held, "queries_judged": judged,
                           "head_effect": effect, "intervention_tested": testable, "cost_elsewhere": elsewhere,
                           "query_positions": [int(q) for q in np.flatnonzero(queries.any(0))]})
