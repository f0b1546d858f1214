"""The joint test: every claim's intervention at once, causal-scrubbing style.

After the claims are tested one by one they are run together in a single forward pass: everything outside
the best circuit ablated (default ablation), every passing scrubbing claim's component resampled within its
feature classes, every passing path claim's source removed from every route but the claimed one, every
passing attention claim's pattern substituted, every passing subspace claim's component restricted to its span.
The metric must keep
    (m(joint) − m(empty)) / (m(model) − m(empty)) ≥ `joint`.
Claims that are true one at a time but inconsistent together fail here.
"""

from __future__ import annotations

from .context import ClaimResult, Context, ratio, result


def check(ctx: Context, circuit_edits: list, claim_edits: dict[int, list], results: list[ClaimResult]) -> ClaimResult | None:
    used = [r for r in results if r.verdict == "pass" and r.index in claim_edits]
    if not used and not circuit_edits:
        return None
    edits = list(circuit_edits) + [e for r in used for e in claim_edits[r.index]]
    (m_joint,) = ctx.runs([edits])
    m_clean, m_empty = ctx.m_clean(), ctx.m_empty()
    value = ratio(m_joint - m_empty, m_clean - m_empty)
    threshold = ctx.spec.joint
    failures = [] if value >= threshold else ["joint"]
    names = ", ".join(f"{r.index} ({r.kind})" for r in used) or "none"
    message = (f"with the circuit{'s complement ablated' if circuit_edits else ' (none claimed)'} and the interventions "
               f"of claims {names} applied together, the model keeps {value:.3f} of the metric (threshold {threshold}).")
    if failures:
        message += (" The claims do not hold together: drop the claims one at a time from the joint run (grade them "
                    "separately) to find the one that conflicts, often a scrubbing feature that is too coarse inside "
                    "the circuit.")
    return result(ctx, -1, "joint", "all claims together", value, threshold, failures, message, ablation=ctx.ablation,
                  ci=ctx.bootstrap(lambda r: ratio(m_joint - m_empty, m_clean - m_empty, r)),
                  details={"claims": [r.index for r in used]})
