"""Subspace claims: component C matters only through a span S (k of its d output dimensions).

S is given in one of two forms (`details["form"]`):
  basis       a [k, d] array; S is its row space (orthonormalised; k is its rank);
  features    features(tokens) -> float [batch, pos, f] (finite floats, f ≥ 1; anything else is a HypothesisError
              naming the claim); on the SOURCE sample only (never the graded rows), with F the features and A C's
              output at every (row, position) unit C is claimed at (pooled), the grader fits the least-squares map
              A ≈ [F, 1] W. S is the row space of W without its intercept row, computed stably: the features are
              centred and scaled, reduced to an orthonormal basis Q of their span over the units (directions below
              1e-6 of the largest singular value dropped: collinear or constant features add nothing), and S is the
              row space of Qᵀ (A − Ā), orthonormalised with the same 1e-6 relative tolerance; k is its rank (so S
              does not depend on how the features are scaled or mixed). Reported: form, k, f and the fit's R² on the
              graded rows, 1 − Σ|A − Â|² / Σ|A − mean A|² with Â the source-fitted map applied to their features.
From there on both forms are one claim: with P the orthogonal projection on S, a = C's output, ā = its
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

RANK_TOLERANCE = 1e-6  # singular values below this share of the largest do not count towards a rank
MAX_FEATURE_VALUES = 2 ** 25  # source units × features, at most: the fit holds a few float64 copies of them


def row_space(rows: np.ndarray) -> np.ndarray:
    """Orthonormal rows spanning the rows of `rows` ([rank, width]; rank by RANK_TOLERANCE, 0 rows if all zero)."""
    _, s, vt = np.linalg.svd(np.asarray(rows, dtype=np.float64), full_matrices=False)
    return vt[: int((s > s.max() * RANK_TOLERANCE).sum()) if s.size and s.max() > 0 else 0]


def orthonormal(basis: np.ndarray, index: int, d: int, where: str) -> torch.Tensor:
    """Orthonormal rows spanning the rows of `basis` ([rank, d])."""
    if basis.shape[1] != d:
        raise HypothesisError(f"Subspace claim {index}: the basis has rows of length {basis.shape[1]}, but {where}'s "
                              f"output has {d} dimensions; give a [k, {d}] array.")
    rows = row_space(basis)
    if not len(rows):
        raise HypothesisError(f"Subspace claim {index}: the basis is all zeros; give k ≥ 1 independent rows.")
    return torch.tensor(rows, dtype=torch.float32)


def features_of(ctx: Context, index: int, tokens: np.ndarray) -> np.ndarray:
    """Claim `index`'s features of `tokens`, checked: finite floats [batch, pos, f], f ≥ 1 (float64)."""
    out = np.asarray(ctx.call(index, "features", (tokens,)))
    if out.ndim != 3 or out.shape[:2] != tokens.shape or out.shape[2] < 1 or not np.issubdtype(out.dtype, np.floating):
        raise HypothesisError(f"Subspace claim {index}: features returned shape {out.shape} and dtype {out.dtype}; "
                              f"return floats of shape [{tokens.shape[0]}, {tokens.shape[1]}, f], f ≥ 1 features of "
                              "the input at each row and position (a one-hot category as 0.0/1.0 columns).")
    if not np.isfinite(out).all():
        raise HypothesisError(f"Subspace claim {index}: features returned values that are not finite (NaN or ±inf); "
                              "return finite floats.")
    return out.astype(np.float64)


def fitted_span(ctx: Context, index: int, comp, mask: torch.Tensor, d: int) -> tuple[torch.Tensor, dict]:
    """The span fitted from claim `index`'s features to `comp`'s output on the source sample (see the module's
    docstring), as orthonormal rows, and what to report of the fit: its form, f and R² on the graded rows."""
    def units(sample, tokens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # (features, output) per claimed unit
        x = features_of(ctx, index, tokens)[:, mask.numpy()]
        return x.reshape(-1, x.shape[-1]), sample.activation(comp)[:, mask].reshape(-1, d).double().numpy()

    x, y = units(ctx.source, ctx.sample.source_batch["tokens"].numpy())
    f = x.shape[1]
    if x.size > MAX_FEATURE_VALUES:
        raise HypothesisError(f"Subspace claim {index}: the features hold {x.shape[0]:,} units × {f:,} features = "
                              f"{x.size:,} values on the source sample, over the limit of {MAX_FEATURE_VALUES:,}; give "
                              f"fewer features (the span has at most {d} dimensions).")
    centre, scale = x.mean(0), x.std(0)
    varies = scale > 1e-12 * np.maximum(1.0, np.abs(x).max(0))
    u, s, vt = np.linalg.svd((x[:, varies] - centre[varies]) / scale[varies], full_matrices=False)
    r = int((s > s.max() * RANK_TOLERANCE).sum()) if s.size and s.max() > 0 else 0
    if r == 0:
        raise HypothesisError(f"Subspace claim {index}: its {f} feature(s) are constant over the source sample, so "
                              "they fit no direction; give features that vary with the input.")
    y_mean = y.mean(0)
    coefficients = u[:, :r].T @ (y - y_mean)  # the fitted map in the features' orthonormal coordinates, [r, d]
    rows = row_space(coefficients)
    if not len(rows):
        raise HypothesisError(f"Subspace claim {index}: {comp}'s output does not vary with the features on the "
                              "source sample (the fitted map is zero); give features it depends on.")
    x_graded, y_graded = units(ctx.base, ctx.sample.batch["tokens"].numpy())
    coords = ((x_graded[:, varies] - centre[varies]) / scale[varies]) @ vt[:r].T / s[:r]
    residual = ((y_graded - y_mean - coords @ coefficients) ** 2).sum()
    r2 = float(1 - residual / max(((y_graded - y_graded.mean(0)) ** 2).sum(), 1e-30))
    return torch.tensor(rows, dtype=torch.float32), {"form": "features", "f": f, "r2": r2}


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
    mask = positions_mask(ctx.space.n_ctx, comp)
    if claim.features is None:
        basis, fit = orthonormal(np.asarray(claim.basis, dtype=np.float64), index, d, comp.base), {"form": "basis"}
    else:
        basis, fit = fitted_span(ctx, index, comp, mask, d)
    k = int(basis.shape[0])
    said = (f"the span fitted to {fit['f']} feature(s) on the source sample has k = {k} dimensions and explains "
            f"R² = {fit['r2']:.3f} of {comp}'s output on the graded rows; " if "r2" in fit else "")
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
    details = {**fit, "k": k, "d": d, "effect": effect, "restricted": kept, "excluded": destroyed,
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
    message = said + message
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
    finite = np.isfinite(acc.by_position)
    worst = int(np.nanargmin(acc.by_position)) if finite.any() else -1
    details["interchange_by_position"] = np.nan_to_num(acc.by_position, nan=-1).tolist()
    at_worst = ""
    if worst >= 0 and not acc.by_position[worst] >= threshold and "subspace.interchange" not in failures:
        failures.append("subspace.interchange_positions")
        at_worst = f"; at position {worst} only {acc.by_position[worst]:.3f} (threshold {threshold} at every position)"
    return (f"patching the span from a source gives the predicted output at {acc.value:.3f} of informative and "
            f"{acc.overall:.3f} of all task positions (threshold {threshold}){at_worst}")
