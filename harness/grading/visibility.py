"""A claim whose effect is hidden is tested where the effect shows, or earns nothing and stands in for nothing.

A claim about a component X can only fail where removing X costs something. When removing X costs less than δ of
the metric, the check reports it untestable (`path.untestable`, `subspace.untestable`, `scrubbing.untestable`, or an
attention claim whose substituted pattern could not be tested). Two usual reasons hide a real effect, and the grader
looks behind each before it calls the claim vacuous:

  the default ablation cannot see it   a per-position ablation ("mean", "resample") replaces what is constant per
                                       position by itself: the positional embedding then costs nothing. The claim is
                                       graded again under "global_mean", which removes it.
  redundant partners cover for it      components computed beside X (the other heads of its layer; for an input
                                       embedding, the other one) that carry the same thing. X's cost is measured with
                                       each of them ablated; those whose removal makes X cost more are ablated, the
                                       most revealing first, until X costs ≥ δ, and the claim is graded again with
                                       them ablated in every run (its baseline is then the model without them).

The claim keeps the first grade in which its effect shows; its message says which ablation and which partners. A claim
still untestable both ways is vacuous: it explains no component and answers no required question — an attention
claim too, since the share of attention on its keys is an observation, and only the substituted pattern tests it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Callable

from ..puzzle.components import Component, ComponentSpace
from .context import ClaimResult, Context, positions_mask, ratio, to_np
from .edits import Replace

HIDDEN = {"path.untestable", "subspace.untestable", "scrubbing.untestable"}
SUBJECT = {"path": "source", "subspace": "component", "scrubbing": "component", "attention": "head"}
VISIBLE_ABLATION = "global_mean"
SCREEN_ROWS = 128  # rows the search for partners runs on


def hidden(res: ClaimResult) -> bool:
    """The claim could not be tested because removing its component costs less than δ."""
    if res.kind == "attention":
        return res.verdict != "fail" and res.details.get("intervention_tested") is False
    return bool(HIDDEN & set(res.failures))


def grade_visible(check: Callable[[Context, int, Any], ClaimResult], ctx: Context, content: dict, index: int,
                  claim: Any) -> ClaimResult:
    """check(ctx, index, claim), graded again where a hidden effect shows (see the module docstring)."""
    first = check(ctx.for_claim(content), index, claim)
    if first.kind not in SUBJECT or not hidden(first):
        return first
    subject = ctx.space.parse(getattr(claim, SUBJECT[first.kind]))
    if ctx.ablation != VISIBLE_ABLATION:
        again = check(_fresh(ctx, content, ablation=VISIBLE_ABLATION), index, claim)
        if not hidden(again):
            return _noted(again, f"{subject} costs less than δ under the default ablation ({ctx.ablation}); graded "
                                 f"under {VISIBLE_ABLATION}, which removes what is constant per position: ",
                          {"ablation": VISIBLE_ABLATION, "partners": []})
    partners, cost = covering_partners(ctx.for_claim({"partners": str(subject), **content}), subject)
    if partners:
        edits = [ctx.ablate_all(p) for p in partners]
        again = check(_fresh(ctx, content).within(edits), index, claim)
        if not hidden(again):
            names = ", ".join(str(p) for p in partners)
            return _noted(again, f"{subject} alone costs less than δ: {names} cover{'s' if len(partners) == 1 else ''} "
                                 f"for it. Graded with {'it' if len(partners) == 1 else 'them'} ablated in every run, "
                                 f"where {subject} costs about {cost:.2f} of the metric: ",
                          {"ablation": ctx.ablation, "partners": [str(p) for p in partners]})
    return _untestable(first) if first.kind == "attention" else first


def partner_candidates(space: ComponentSpace, subject: Component) -> list[Component]:
    """The components computed beside `subject` (none reads the other): the other heads of its layer, or the other
    input embedding; each whole (every position)."""
    if subject.kind == "head":
        names = [f"L{subject.layer}H{h}" for h in range(space.n_heads) if h != subject.head]
    elif subject.kind in ("embed", "pos_embed"):
        names = [k for k in ("embed", "pos_embed") if k != subject.kind and k in {c.base for c in space.all()}]
    else:
        names = []
    return [space.parse(name) for name in names]


def covering_partners(ctx: Context, subject: Component) -> tuple[list[Component], float]:
    """The fewest partners (most revealing first) with which ablated `subject` costs ≥ δ, and that cost; ([], nan)
    when none do. Screened on the first SCREEN_ROWS graded rows (the claim's grade with them ablated, on every row,
    is what decides whether its effect shows)."""
    candidates = partner_candidates(ctx.space, subject)
    if not candidates:
        return [], float("nan")
    rows = min(SCREEN_ROWS, ctx.n)
    sample, metric = ctx.subset(rows)
    clean, scale = ctx.m_clean()[:rows], (ctx.m_clean() - ctx.m_empty())[:rows]

    def ablate(c: Component) -> Replace:
        return Replace(c, positions_mask(ctx.space.n_ctx, c), ctx.ablated(c)[:rows])

    def costs(backgrounds: list[list[Component]]) -> list[float]:
        """subject's cost with each list of partners ablated."""
        variants = [[ablate(p) for p in bg] + extra for bg in backgrounds
                    for extra in (([], [ablate(subject)]) if bg else ([ablate(subject)],))]
        runs = iter(to_np(m) for m in sample.run(variants, metric))
        return [ratio((next(runs) if bg else clean) - next(runs), scale) for bg in backgrounds]

    alone, *with_one = costs([[]] + [[p] for p in candidates])
    gain = {p: cost - alone for p, cost in zip(candidates, with_one)}
    order = sorted((p for p in candidates if gain[p] > 0), key=lambda p: -gain[p])
    for k in range(1, len(order) + 1):
        cost = alone + gain[order[0]] if k == 1 else costs([order[:k]])[0]
        if cost >= ctx.spec.delta:
            return order[:k], float(cost)
    return [], float("nan")


def _fresh(ctx: Context, content: dict, **changes: Any) -> Context:
    return replace(ctx, **changes).for_claim(content)


def _noted(res: ClaimResult, prefix: str, where: dict) -> ClaimResult:
    res.message = prefix + res.message
    res.details["graded_where_visible"] = where
    return res


def _untestable(res: ClaimResult) -> ClaimResult:
    """An attention claim whose pattern could not be substituted anywhere it matters: vacuous."""
    res.failures = [*res.failures, "attention.untestable"]
    res.message += (" Neither the global mean ablation nor ablating the heads beside it makes this head matter, so the "
                    "claim is an observation no intervention tested: it earns nothing.")
    res.verdict, res.passed, res.explains = "vacuous", False, []
    return res
