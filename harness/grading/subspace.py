"""Subspace claims: component C matters only through the span S of a basis (k of its d output dimensions).

With P the orthogonal projection on S (the basis is orthonormalised; k is its rank), a = C's output, ā = its
ablation (default ablation) at C's claimed positions, and m(·) the metric:
  effect      (m(model) − m(C ablated)) / (m(model) − m(empty)) ≥ δ, or the claim cannot fail (vacuous);
  size        k ≤ d / `subspace_factor`, or the claim is true of any model ("the whole space": vacuous);
  restricted  keep only the projection:  a ← P a + (I − P) ā;
              (m(restricted) − m(C ablated)) / (m(model) − m(C ablated)) ≥ `subspace`;
  excluded    remove the projection:     a ← (I − P) a + P ā;
              (m(model) − m(excluded)) / (m(model) − m(C ablated)) ≥ `subspace_excluded`;
  padded      in the span's own principal directions (of C's activations projected on it), the directions each
              costing < δ/50 of restricted value when removed alone must not, removed together, cost < δ while the
              span without them still passes `subspace_excluded`, when there are at least max(2, k/8) of them: a
              true span padded with directions the component does not use fails (`subspace.padded`), as a circuit
              padded with inert positions does (one weak direction of an honest basis, e.g. the unused phase of one
              frequency, is not padding; nor are directions holding redundant copies that excluded needs removed);
  baseline    the restricted value beats (strictly) `baseline_percentile` of `random_circuits` random
              k-dimensional subspaces, which must not reach `subspace` themselves (else no power: vacuous);
  variable    (with `variable` and `predict`) patch only the projection from a source input,
              a ← (I − P) a + P a_source, and count as an interchange claim does (`interchange` threshold, at the
              informative positions and at every task position).
The restricted intervention is what the joint test applies. A passing claim explains its component only with a
passing variable form, and not where the component is all the counted outputs read that varies: the span alone
says where information lies, not what it is (the top principal directions of any component would do).
"""

from __future__ import annotations

import numpy as np
import torch

from ..hypothesis import HypothesisError, Subspace
from .context import Baseline, ClaimResult, Context, positions_mask, ratio, result
from .edits import Project, Replace
from .interchange import MIN_INFORMATIVE, WHOLE_INPUT, accuracy, labels, swaps_the_input


def orthonormal(basis: np.ndarray, index: int, d: int, where: str) -> torch.Tensor:
    """Orthonormal rows spanning the rows of `basis` ([rank, d])."""
    if basis.shape[1] != d:
        raise HypothesisError(f"Subspace claim {index}: the basis has rows of length {basis.shape[1]}, but {where}'s "
                              f"output has {d} dimensions; give a [k, {d}] array.")
    u, s, vt = np.linalg.svd(basis, full_matrices=False)
    rank = int((s > s.max() * 1e-6).sum()) if s.size and s.max() > 0 else 0
    if rank == 0:
        raise HypothesisError(f"Subspace claim {index}: the basis is all zeros; give k ≥ 1 independent rows.")
    return torch.tensor(vt[:rank], dtype=torch.float32)


def random_bases(rng: np.random.Generator, count: int, k: int, d: int) -> list[torch.Tensor]:
    """`count` uniformly random k-dimensional subspaces of R^d, as orthonormal rows."""
    out = []
    for _ in range(count):
        q, _ = np.linalg.qr(rng.standard_normal((d, k)))
        out.append(torch.tensor(q.T, dtype=torch.float32))
    return out


def check(ctx: Context, index: int, claim: Subspace) -> ClaimResult:
    comp = ctx.space.parse(claim.component)
    spec = ctx.spec
    act = ctx.base.activation(comp)
    d = int(act.shape[-1])
    basis = orthonormal(np.asarray(claim.basis, dtype=np.float64), index, d, comp.base)
    k = int(basis.shape[0])
    mask = positions_mask(ctx.space.n_ctx, comp)
    ablated = ctx.ablated(comp)
    restricted = Project(comp, mask, basis, ablated, inside=False)
    randoms = [Project(comp, mask, b, ablated, inside=False)
               for b in random_bases(ctx.rng, spec.random_circuits, k, d)]
    runs = ctx.runs([[Replace(comp, mask, ablated)], [restricted], [Project(comp, mask, basis, ablated, inside=True)]]
                    + [[r] for r in randoms])
    m_gone, m_restricted, m_excluded = runs[:3]
    m_clean, m_empty = ctx.m_clean(), ctx.m_empty()
    effect = ratio(m_clean - m_gone, m_clean - m_empty)
    kept = ratio(m_restricted - m_gone, m_clean - m_gone)
    destroyed = ratio(m_clean - m_excluded, m_clean - m_gone)
    random_values = [ratio(m - m_gone, m_clean - m_gone) for m in runs[3:]]
    baseline = Baseline.of(kept, random_values, spec.subspace, spec.baseline_percentile,
                           f"random subspaces of {k} dimensions")
    details = {"k": k, "d": d, "effect": effect, "restricted": kept, "excluded": destroyed,
               "random_restricted": random_values, "baseline_wins": baseline.wins, "baseline_reach": baseline.reach}

    failures: list[str] = []
    vacuous = False
    if not effect >= spec.delta:
        failures.append("subspace.untestable")
        vacuous = True
        message = (f"ablating {comp} changes the metric by only {effect:.3f} of the model's (δ = {spec.delta}); a claim "
                   "about where it carries information cannot fail here, so it earns nothing.")
    elif k * spec.subspace_factor > d:
        failures.append("subspace.size")
        vacuous = True
        message = (f"the span has {k} of {comp}'s {d} dimensions; at most {d // spec.subspace_factor} "
                   f"(1/{spec.subspace_factor}) may be claimed, or the claim is true of almost any model.")
    else:
        notes = [f"keeping only the {k}-dimensional span keeps {kept:.3f} of {comp}'s effect (threshold {spec.subspace}); "
                 f"removing it destroys {destroyed:.3f} (threshold {spec.subspace_excluded})"]
        if not kept >= spec.subspace:
            failures.append("subspace.restricted")
            notes.append("the component also uses directions outside the span: add the directions it reads most")
        if not destroyed >= spec.subspace_excluded:
            failures.append("subspace.excluded")
            notes.append("the component still works without the span: the information is also elsewhere")
        if kept >= spec.subspace and k > 1:
            padding = _padding(ctx, comp, mask, basis, ablated, kept, m_gone, m_clean, details)
            if padding:
                failures.append("subspace.padded")
                notes.append(padding)
        vacuous = baseline.no_power and not failures  # it would pass but for a baseline that cannot tell
        if baseline.failed:
            failures.append("subspace.baseline")
        notes.append(baseline.note)
        if claim.variable is not None and claim.predict is not None:
            notes.append(_variable(ctx, index, comp, mask, basis, failures, details))
        if not failures:
            notes.append(_explains(ctx, comp, details))
        message = "; ".join(notes) + "."
    if not failures:
        ctx.offer(index, [restricted])
    return result(ctx, index, "subspace", claim.name, kept, spec.subspace, failures, message,
                  explains=[comp.base] if details.get("explains") else [],
                  ci=ctx.bootstrap(lambda r: ratio(m_restricted - m_gone, m_clean - m_gone, r)),
                  ablation=ctx.ablation, vacuous=vacuous, details=details)


INERT = 0.02  # a direction is a padding candidate when removing it alone costs < INERT × δ of restricted value
MIN_PADDING = (2, 1 / 8)  # padding is at least this many directions, and this share of the span


def _padding(ctx: Context, comp, mask, basis: torch.Tensor, ablated, kept: float, m_gone, m_clean,
             details: dict) -> str:
    """The message when the span is padded (else ""): its principal directions that are inert alone and, removed
    together, cost < δ."""
    act = ctx.base.activation(comp)[:, mask].reshape(-1, basis.shape[1]).double()
    coords = act @ basis.double().T
    _, _, vt = torch.linalg.svd(coords - coords.mean(0), full_matrices=False)
    directions = (vt @ basis.double()).float()  # the span in its own principal directions, most variance first
    k = directions.shape[0]

    def restricted_without(drop: list[int]) -> list:
        keep = [i for i in range(k) if i not in drop]
        return [Project(comp, mask, directions[keep], ablated, inside=False)]

    singles = ctx.runs([restricted_without([i]) for i in range(k)])
    costs = [kept - ratio(m - m_gone, m_clean - m_gone) for m in singles]
    inert = [i for i, c in enumerate(costs) if c < INERT * ctx.spec.delta]
    details["direction_costs"] = costs
    if len(inert) < max(MIN_PADDING[0], MIN_PADDING[1] * k) or len(inert) == k:
        return ""
    rest = [i for i in range(k) if i not in inert]
    together, excluded = ctx.runs([restricted_without(inert), [Project(comp, mask, directions[rest], ablated,
                                                                       inside=True)]])
    cost = kept - ratio(together - m_gone, m_clean - m_gone)
    still_excluded = ratio(m_clean - excluded, m_clean - m_gone)
    details["padding"] = {"directions": len(inert), "cost": cost, "excluded_without": still_excluded}
    # padding only when the span without them still passes both ways: directions that keep nothing on their own can
    # still hold redundant copies that the excluded check needs removed (a head copying a token writes it widely)
    if not (cost < ctx.spec.delta and still_excluded >= ctx.spec.subspace_excluded):
        return ""
    return (f"{len(inert)} of the span's {k} directions (in the order of {comp}'s variance within it) can go together "
            f"at a cost of {cost:.3f} < δ = {ctx.spec.delta}: the span is padded; claim the {k - len(inert)}-dimensional "
            "span the component uses")


def _explains(ctx: Context, comp, details: dict) -> str:
    """Whether a passing claim explains its component: only with a variable tested in the span (the top principal
    directions of any component pass restricted/excluded without saying what they hold), and not where the
    component is all the counted outputs read that varies (there the variable is the output itself)."""
    if "interchange" not in details:
        details["explains"] = False
        return ("where the information lies, but not what it is: this explains nothing about the component until a "
                "variable (variable= and predict=) is shown to live in the span")
    if swaps_the_input(ctx, comp, ctx.task_mask) >= WHOLE_INPUT:
        details["explains"] = False
        return (f"{comp} is all the counted outputs read that varies, so the variable in its span is the output "
                "itself: this explains nothing about the component")
    details["explains"] = True
    return f"explains {comp.base}"


def _variable(ctx: Context, index: int, comp, mask, basis, failures: list[str], details: dict) -> str:
    """The interchange form: patch only the projection from a source input; returns the message part."""
    what = f"Subspace claim {index}"
    pred_cf, pred_base = labels(ctx, index, what)
    patch = Project(comp, mask, basis, ctx.source.activation(comp), inside=True)
    acc = accuracy(ctx, patch, pred_cf, pred_base, what)
    details.update(interchange=acc.value, interchange_overall=acc.overall, informative_share=acc.share)
    threshold = ctx.spec.interchange
    if acc.share < MIN_INFORMATIVE:  # untested, so it adds nothing (the span's own checks stand)
        del details["interchange"]
        return (f"the variable changes the predicted output at only {acc.share:.1%} of task positions, so its "
                "interchange test cannot fail and was not counted; give a variable that matters")
    if not acc.value >= threshold:
        failures.append("subspace.interchange")
    if not acc.overall >= threshold:
        failures.append("subspace.interchange_overall")
    return (f"patching the span from a source gives the predicted output at {acc.value:.3f} of informative and "
            f"{acc.overall:.3f} of all task positions (threshold {threshold})")
