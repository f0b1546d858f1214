"""Path claims: `source` affects the metric only through `target` (a head's q/k/v input, an MLP, or logits).

With m(total) the metric when the source is ablated everywhere (default ablation):
  share  (m(model) − m(only)) / (m(model) − m(total)): the source ablated for the target alone, every other
         reader seeing it as it is — how much of its effect the target carries. Above 1 when the other
         routes partly cancel what this one carries (the message says so);
  kept   (m(except) − m(total)) / (m(model) − m(total)): the source ablated for every reader except the target
         — how much of the effect remains when this is the only route ("only through").
Where removing the source changes the model's top token at ≥ δ of task positions, both are also computed on t,
the share of task positions whose top token is the unedited model's, and the lower value counts: cross-entropy
rewards a model left hedging between the right and a wrong answer, top-1 agreement does not.
Passes when both are ≥ `path` and the source's total effect is ≥ δ of the metric scale. A target may name several
readers: several inputs of a head (`L1H0.qk`), several heads or MLPs joined by `+` (`L1H0.k+L1H1.k`, where two heads
share a route); each reader must then carry a share ≥ δ alone, or be needed as a backup of the others (the share
falls by ≥ δ without it: two heads that back each other up each carry little alone), else it is padding. A path with no
alternative route (the target is every reader of the source, e.g. a last-layer head to the logits) is true of
every model: vacuous. A path claim explains its source, never its target.
"""

from __future__ import annotations

import numpy as np

from ..hypothesis import PathClaim
from ..puzzle.components import Component, ComponentSpace, check_downstream
from .context import ClaimResult, Context, positions_mask, ratio, result, to_np, two
from .edits import Path


def _least(a, b):
    """min(a, b) as Python takes it (b only where b < a, so a NaN in a stays), elementwise for per-resample arrays."""
    return min(a, b) if np.ndim(a) == 0 and np.ndim(b) == 0 else np.where(b < a, b, a)


def readers(space: ComponentSpace, source: Component) -> list[str]:
    """Every reader of `source`'s output: later heads' inputs, MLPs after it, and the logits."""
    first_head_layer = 0 if source.kind in ("embed", "pos_embed") else source.layer + 1
    first_mlp_layer = 0 if source.kind in ("embed", "pos_embed") else source.layer + (source.kind == "mlp")
    out = [f"L{layer}H{h}.{i}" for layer in range(first_head_layer, space.n_layers) for h in range(space.n_heads)
           for i in "qkv"]
    if not space.attn_only:
        out += [f"MLP{layer}" for layer in range(first_mlp_layer, space.n_layers)]
    return out + ["logits"]


def _edit(ctx: Context, source: Component, target, mode: str) -> Path:
    return Path(ctx.base.model, source, positions_mask(ctx.space.n_ctx, source), ctx.ablated(source), target, mode)


def check(ctx: Context, index: int, claim: PathClaim) -> ClaimResult:
    source, targets = ctx.space.parse(claim.source), ctx.space.parse_targets(claim.target)
    for target in targets:
        check_downstream(source, target, f"Path claim {index}")
    route = f"{claim.source} → {claim.target}"
    singles = [single for t in targets for single in _single_readers(t)]
    others = [r for r in readers(ctx.space, source) if r not in {str(t) for t in singles}]
    if not others:
        return result(ctx, index, "path", claim.name, float("nan"), ctx.spec.path, ["path.no_alternative"],
                      f"{claim.target} {'is the only reader' if len(singles) == 1 else 'are all the readers'} of "
                      f"{source.base}: there is no other route, so the path "
                      "claim is true of every model and earns nothing. Say what the source carries instead "
                      "(scrubbing or interchange).", vacuous=True, ablation=ctx.ablation)
    keep_route = _edit(ctx, source, targets, "except")
    logits = ctx.runs([[ctx.ablate_all(source)], [_edit(ctx, source, targets, "only")], [keep_route]], lambda x: x)
    m_total, m_only, m_except = (to_np(ctx.metric(x)) for x in logits)
    t_total, t_only, t_except = (ctx.top1_rows(x) for x in logits)
    del logits
    ctx.offer(index, [keep_route])
    m_clean, m_empty = ctx.m_clean(), ctx.m_empty()
    # the same fractions on top-1 agreement with the model, where removing the source changes the top token at
    # ≥ δ of task positions: a route that leaves the model hedging between two answers keeps much of the metric
    # (cross-entropy rewards a 50/50 mix) but not its answers
    by_top1 = float((1 - t_total).mean()) >= ctx.spec.delta

    def fractions(rows=None) -> tuple[float, float]:
        share = ratio(m_clean - m_only, m_clean - m_total, rows)
        kept = ratio(m_except - m_total, m_clean - m_total, rows)
        if by_top1:
            share = _least(share, ratio(1 - t_only, 1 - t_total, rows))
            kept = _least(kept, ratio(t_except - t_total, 1 - t_total, rows))
        return share, kept

    share, kept = fractions()
    effect = ratio(m_clean - m_total, m_clean - m_empty)
    threshold = ctx.spec.path
    value = min(share, kept)
    ci = ctx.bootstrap(lambda r: _least(*fractions(r)))
    failures, vacuous = [], False
    if not effect >= ctx.spec.delta:
        failures.append("path.untestable")
        vacuous = True
        message = (f"ablating {claim.source} costs only {effect:.3f} of the metric (δ={ctx.spec.delta}); there is no "
                   "effect to route.")
        return result(ctx, index, "path", claim.name, value, threshold, failures, message, vacuous=True,
                      ablation=ctx.ablation, details={"source_effect": effect, "share": share, "kept": kept})
    message = (f"{route}: ablating the source for {'this reader' if len(singles) == 1 else 'these readers'} alone costs {share:.3f} of its total effect, and with "
               f"every other route removed {kept:.3f} of it is kept (threshold {threshold} for both"
               + ("; each the lower of the metric's fraction and the top-1 answers' fraction" if by_top1 else "") + ")")
    metric_share = ratio(m_clean - m_only, m_clean - m_total)
    if metric_share > 1.05:
        message += (f"; the metric's share ({metric_share:.2f}) exceeds 1 because the source's other routes partly "
                    f"cancel what {claim.target} carries")
    if not share >= threshold:
        failures.append("path.share")
    if not kept >= threshold:
        failures.append("path.only_through")
    inputs, needed = {}, {}
    if len(singles) > 1:  # each named reader (each input of a head) must carry its part, alone or as a backup
        alone = ctx.runs([[_edit(ctx, source, t, "only")] for t in singles])
        rest = alone[::-1] if len(singles) == 2 else ctx.runs(
            [[_edit(ctx, source, tuple(s for s in singles if s is not t), "only")] for t in singles])
        inputs = {str(t): ratio(m_clean - m, m_clean - m_total) for t, m in zip(singles, alone)}
        needed = {str(t): metric_share - ratio(m_clean - m, m_clean - m_total) for t, m in zip(singles, rest)}
        idle = [t for t in inputs if not (inputs[t] >= ctx.spec.delta or needed[t] >= ctx.spec.delta)]
        if idle:
            failures.append("path.padded")
            message += (f"; {', '.join(idle)} carr{'ies' if len(idle) == 1 else 'y'} less than δ={ctx.spec.delta} of "
                        f"the effect alone ({', '.join(f'{t} {two(v)}' for t, v in inputs.items())}) and as a backup of "
                        f"the others (the share falls by {', '.join(two(needed[t]) for t in idle)} without "
                        f"{'it' if len(idle) == 1 else 'them'}): name only the readers that carry it")
    if failures and not set(failures) <= {"path.padded"} and len(targets) == 1:
        message += "; " + _hint(ctx, source, targets[0], m_total)
    return result(ctx, index, "path", claim.name, value, threshold, failures, message + ".", explains=[source.base],
                  ci=ci, ablation=ctx.ablation, vacuous=vacuous,
                  details={"source_effect": effect, "share": share, "kept": kept, "inputs": inputs, "needed": needed,
                           "by_top1": by_top1})


def _single_readers(target) -> list:
    """A target's readers one by one: each input of a head (`L1H0.qk` -> L1H0.q, L1H0.k), an MLP, the logits."""
    if target == "logits" or not target.input:
        return [target]
    return [Component("head", target.layer, target.head, input=i) for i in target.input]


def _hint(ctx: Context, source: Component, target, m_total: np.ndarray) -> str:
    """Which other input of the same head (or the logits) carries the effect, as a suggestion."""
    if target == "logits" or target.kind != "head":
        candidates = ["logits"] if target != "logits" else []
    else:
        candidates = [f"{target.base}.{i}" for i in ("q", "k", "v", "qk", "kv", "qv") if i != target.input]
    if not candidates:
        return "the effect goes through other readers too: name the one that carries it"
    parsed = [ctx.space.parse_target(c) for c in candidates]
    m_clean = ctx.m_clean()
    m_alt = ctx.runs([[_edit(ctx, source, t, "only")] for t in parsed])
    shares = {c: ratio(m_clean - m, m_clean - m_total) for c, m in zip(candidates, m_alt)}
    best = max(shares, key=lambda c: shares[c] if np.isfinite(shares[c]) else -np.inf)
    listed = ", ".join(f"{c} {two(v)}" for c, v in shares.items())
    return f"share of the effect through other readers: {listed} — try {source.base} → {best}"
