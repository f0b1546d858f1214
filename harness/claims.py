"""How each claim kind is tested on the model. One function per kind, each returning a ClaimResult.

All values are computed from per-row quantities so that a bootstrap over rows gives a 95% interval.
The metric m is the puzzle's per-row metric, higher = better (−loss, −KL, or logit difference).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import torch

from .components import Component, ComponentSpace
from .declaration import GradingSpec
from .hypothesis import Algorithm, Attention, Circuit, HypothesisError, Interchange, PathClaim, Scrubbing
from .interventions import ABLATIONS, Edit, Intervener

CallFn = Callable[[int, str, tuple[np.ndarray, ...]], np.ndarray]  # (claim index, field, arrays) -> array


@dataclass
class ClaimResult:
    index: int  # position of the claim in the hypothesis
    kind: str  # circuit | attention | scrubbing | path | algorithm | interchange
    name: str
    passed: bool
    value: float  # the graded quantity
    threshold: float  # the puzzle's threshold for it
    ci: tuple[float, float]  # 95% bootstrap interval of value
    n: int  # rows in the grading sample
    ablation: str | None  # ablation used, where one is
    explains: list[str]  # base components this claim accounts for (role claims)
    failures: list[str] = field(default_factory=list)  # failed checks, e.g. "circuit.minimality"
    message: str = ""  # one sentence on what passed or failed and why
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class Context:
    """Everything a claim test needs, computed once per grading run."""

    space: ComponentSpace
    spec: GradingSpec
    ablation: str
    base: Intervener  # the grading sample
    source: Intervener  # a second sample: resampling sources and interchange sources
    batch: dict[str, torch.Tensor]
    source_batch: dict[str, torch.Tensor]
    row_metric: Callable[[torch.Tensor, dict[str, torch.Tensor]], torch.Tensor]  # logits, batch -> [rows]
    task_mask: torch.Tensor  # bool [rows, pos]
    call: CallFn
    rng: np.random.Generator
    m_clean: torch.Tensor = None  # per-row metric of the unmodified model
    m_empty: torch.Tensor = None  # per-row metric with every component ablated (default ablation)

    @property
    def n(self) -> int:
        return len(self.batch["tokens"])

    def metric(self, logits: torch.Tensor) -> torch.Tensor:
        return self.row_metric(logits, self.batch)

    def units_edits(self, components: list[Component], keep: dict[str, np.ndarray], ablation: str,
                    perm: torch.Tensor | None = None) -> list[Edit]:
        """Edits that ablate every (component, position) unit not kept. keep: base -> bool [pos]."""
        edits = []
        for comp in components:
            kept = keep.get(comp.base, np.zeros(self.space.n_ctx, dtype=bool))
            if kept.all():
                continue
            edits.append(Edit(comp, torch.from_numpy(~kept), self.base.ablated(comp, ablation, perm)))
        return edits

    def bootstrap(self, fn: Callable[[np.ndarray], float], *arrays: np.ndarray) -> tuple[float, float]:
        """95% interval of fn(rows) over bootstrap resamples of rows."""
        n = len(arrays[0]) if arrays else self.n
        values = [fn(self.rng.integers(0, n, n)) for _ in range(self.spec.bootstrap)]
        values = [v for v in values if np.isfinite(v)]
        if not values:
            return (float("nan"), float("nan"))
        return (float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5)))


def _np(t: torch.Tensor) -> np.ndarray:
    return t.detach().double().cpu().numpy()


def _ratio(num: np.ndarray, den: np.ndarray, rows: np.ndarray | None = None) -> float:
    idx = slice(None) if rows is None else rows
    d = den[idx].mean()
    return float(num[idx].mean() / d) if abs(d) > 1e-12 else float("nan")


def keep_mask(space: ComponentSpace, names: list[Component]) -> dict[str, np.ndarray]:
    keep: dict[str, np.ndarray] = {}
    for comp in names:
        mask = keep.setdefault(comp.base, np.zeros(space.n_ctx, dtype=bool))
        mask[list(comp.positions) if comp.positions is not None else slice(None)] = True
    return keep


# --- circuit ---------------------------------------------------------------------------------

def check_circuit(ctx: Context, index: int, claim: Circuit) -> ClaimResult:
    comps = [ctx.space.parse(c) for c in claim.components]
    if not comps:
        raise HypothesisError(f"Circuit claim {index} lists no components; name at least one.")
    universe = ctx.space.all()
    m_clean, m_empty = _np(ctx.m_clean), _np(ctx.m_empty)
    spec = ctx.spec

    def faithfulness_rows(m_circuit: np.ndarray) -> tuple[float, tuple[float, float]]:
        value = _ratio(m_circuit - m_empty, m_clean - m_empty)
        ci = ctx.bootstrap(lambda r: _ratio(m_circuit - m_empty, m_clean - m_empty, r), m_clean)
        return value, ci

    # the circuit under each ablation, then minus each claimed entry, then random circuits (default ablation)
    keep = keep_mask(ctx.space, comps)
    variants, labels = [], []
    for ablation in ABLATIONS:
        variants.append(ctx.units_edits(universe, keep, ablation))
        labels.append(("ablation", ablation))
    for i, comp in enumerate(comps):
        variants.append(ctx.units_edits(universe, keep_mask(ctx.space, comps[:i] + comps[i + 1:]), ctx.ablation))
        labels.append(("without", str(comp)))
    units = [(c.base, p) for c in universe for p in range(ctx.space.n_ctx)]
    size = int(sum(m.sum() for m in keep.values()))
    for _ in range(spec.random_circuits):
        chosen = ctx.rng.choice(len(units), size=min(size, len(units)), replace=False)
        rand_keep: dict[str, np.ndarray] = {}
        for u in chosen:
            base, pos = units[u]
            rand_keep.setdefault(base, np.zeros(ctx.space.n_ctx, dtype=bool))[pos] = True
        variants.append(ctx.units_edits(universe, rand_keep, ctx.ablation))
        labels.append(("random", ""))
    metrics = [_np(m) for m in ctx.base.run(variants, ctx.metric)]

    by_ablation = {}
    for (label, arg), m in zip(labels, metrics):
        if label == "ablation":
            by_ablation[arg] = faithfulness_rows(m)[0]
    value, ci = faithfulness_rows(metrics[ABLATIONS.index(ctx.ablation)])
    without = {arg: _ratio(m - m_empty, m_clean - m_empty) for (label, arg), m in zip(labels, metrics) if label == "without"}
    unneeded = [name for name, f in without.items() if value - f < spec.delta]
    random_values = [_ratio(m - m_empty, m_clean - m_empty) for (label, _), m in zip(labels, metrics) if label == "random"]
    # share of random circuits the claimed one does at least as well as (within 0.01 of the scale)
    percentile = sum(v <= value + 0.01 for v in random_values) / max(1, len(random_values))

    failures = []
    if not value >= spec.faithfulness:
        failures.append("circuit.faithfulness")
    if unneeded:
        failures.append("circuit.minimality")
    if percentile < spec.baseline_percentile:
        failures.append("circuit.baseline")
    others = ", ".join(f"{a} {v:.3f}" for a, v in by_ablation.items() if a != ctx.ablation)
    message = (f"faithfulness {value:.3f} (threshold {spec.faithfulness}) under {ctx.ablation} ablation ({others}); "
               + (f"not needed (removing each lowers faithfulness by less than δ={spec.delta}): {', '.join(unneeded)}; "
                  if unneeded else "every component needed; ")
               + f"does at least as well as {percentile:.0%} of {len(random_values)} random circuits of {size} units.")
    return ClaimResult(index, "circuit", claim.name, not failures, value, spec.faithfulness, ci, ctx.n, ctx.ablation,
                       [], failures, message,
                       {"faithfulness_by_ablation": by_ablation, "without": without, "unneeded": unneeded,
                        "baseline_percentile": percentile, "random_faithfulness": random_values, "size": size,
                        "components": [str(c) for c in comps]})


# --- attention -------------------------------------------------------------------------------

def _key_mask(raw: np.ndarray, rows: int, n_ctx: int, what: str) -> np.ndarray:
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
        return raw
    raise HypothesisError(f"{what} returned an array of shape {raw.shape} and dtype {raw.dtype}; return int keys "
                          f"[{rows}, {n_ctx}] (-1 = none) or a bool mask [{rows}, {n_ctx}, {n_ctx}].")


def check_attention(ctx: Context, index: int, claim: Attention) -> ClaimResult:
    head = ctx.space.parse(claim.head)
    if head.kind != "head":
        raise HypothesisError(f"Attention claim {index} names {claim.head!r}, which is not an attention head (e.g. L1H0).")
    tokens = ctx.batch["tokens"].numpy()
    rows, n_ctx = tokens.shape
    claimed = _key_mask(ctx.call(index, "rule", (tokens,)), rows, n_ctx, f"Attention claim {index} rule")
    claimed &= np.tril(np.ones((n_ctx, n_ctx), dtype=bool))[None]  # keys after the query cannot be attended
    queries = ctx.task_mask.numpy().copy()
    if claim.queries is not None:
        queries[:] = False
        queries[:, [q for q in claim.queries if 0 <= q < n_ctx]] = True
    queries &= claimed.any(-1)
    pattern = _np(ctx.base.clean[f"blocks.{head.layer}.attn.hook_pattern"][:, head.head])
    mass = np.where(queries, (pattern * claimed).sum(-1), 0.0).sum(-1)
    chance = np.where(queries, claimed.sum(-1) / np.arange(1, n_ctx + 1)[None], 0.0).sum(-1)
    counted = queries.sum(-1).astype(float)

    def lift(r=slice(None)):
        total = counted[r].sum()
        if total == 0:
            return float("nan")
        m, c = mass[r].sum() / total, chance[r].sum() / total
        return float((m - c) / (1 - c)) if c < 1 - 1e-9 else 0.0

    value = lift()
    threshold = ctx.spec.attention
    passed = bool(np.isfinite(value) and value >= threshold)
    m, c = (mass.sum() / counted.sum(), chance.sum() / counted.sum()) if counted.sum() else (0.0, 0.0)
    message = (f"{head.base} puts {m:.3f} of its attention on the claimed keys where chance is {c:.3f}: "
               f"{value:.3f} above chance (threshold {threshold}).") if counted.sum() else "the rule claims no keys at the queries."
    return ClaimResult(index, "attention", claim.name, passed, value, threshold, ctx.bootstrap(lift, counted), ctx.n, None,
                       [head.base], [] if passed else ["attention"], message, {"mass": m, "chance": c})


# --- scrubbing -------------------------------------------------------------------------------

def _feature(ctx: Context, index: int, tokens: np.ndarray) -> np.ndarray:
    values = np.asarray(ctx.call(index, "feature", (tokens,)))
    if values.shape == (len(tokens),):
        values = np.repeat(values[:, None], tokens.shape[1], axis=1)
    if values.shape != tokens.shape:
        raise HypothesisError(f"Scrubbing claim {index} feature returned shape {values.shape}; return one value per "
                              f"(row, position): shape {tokens.shape}.")
    return values


def _match(ctx: Context, base_values: np.ndarray, pool_values: np.ndarray, same: bool) -> np.ndarray:
    """For each base unit, a random pool unit index with an equal (same=True) or different value; -1 if none."""
    order = np.argsort(pool_values, kind="stable")
    sorted_values = pool_values[order]
    lo = np.searchsorted(sorted_values, base_values, "left")
    hi = np.searchsorted(sorted_values, base_values, "right")
    if same:
        count = hi - lo
        pick = lo + (ctx.rng.random(len(base_values)) * np.maximum(count, 1)).astype(int)
        return np.where(count > 0, order[np.minimum(pick, len(order) - 1)], -1)
    others = len(pool_values) - (hi - lo)
    k = (ctx.rng.random(len(base_values)) * np.maximum(others, 1)).astype(int)
    pick = np.where(k < lo, k, k + (hi - lo))  # skip the block of equal values
    return np.where(others > 0, order[np.minimum(pick, len(order) - 1)], -1)


def check_scrubbing(ctx: Context, index: int, claim: Scrubbing) -> ClaimResult:
    comp = ctx.space.parse(claim.component)
    positions = np.array(comp.positions if comp.positions is not None else range(ctx.space.n_ctx))
    base_tokens, pool_tokens = ctx.batch["tokens"].numpy(), ctx.source_batch["tokens"].numpy()
    fb, fp = _feature(ctx, index, base_tokens)[:, positions], _feature(ctx, index, pool_tokens)[:, positions]
    _, codes = np.unique(np.concatenate([fb.ravel(), fp.ravel()]).astype(str), return_inverse=True)
    base_codes, pool_codes = codes[: fb.size], codes[fb.size:]
    pool_act = ctx.source.activation(comp)  # [rows, pos, d]
    n_pos = len(positions)
    edits = {}
    coverage = {}
    for label, same in (("same", True), ("different", False)):
        match = _match(ctx, base_codes, pool_codes, same)
        found = match >= 0
        coverage[label] = float(found.mean())
        src_rows, src_pos = np.divmod(np.where(found, match, 0), n_pos)
        replacement = ctx.base.activation(comp).clone()
        mask = torch.zeros(ctx.n, ctx.space.n_ctx, dtype=torch.bool)
        b_rows, b_idx = np.divmod(np.arange(fb.size), n_pos)
        sel = np.nonzero(found)[0]
        replacement[b_rows[sel], positions[b_idx[sel]]] = pool_act[src_rows[sel], positions[src_pos[sel]]]
        mask[b_rows[sel], positions[b_idx[sel]]] = True
        edits[label] = [Edit(comp, mask, replacement)]
    m_same, m_diff = (_np(m) for m in ctx.base.run([edits["same"], edits["different"]], ctx.metric))
    m_clean, m_empty = _np(ctx.m_clean), _np(ctx.m_empty)
    value = _ratio(m_same - m_diff, m_clean - m_diff)
    effect = _ratio(m_clean - m_diff, m_clean - m_empty)
    threshold, delta = ctx.spec.scrubbing, ctx.spec.delta
    failures = []
    if coverage["same"] < 0.9:
        failures.append("scrubbing.coverage")
        message = (f"only {coverage['same']:.0%} of {comp} units have another input with the same feature value; "
                   "the feature is too fine to test.")
    elif not effect >= delta:
        failures.append("scrubbing.untestable")
        message = (f"resampling {comp} from inputs with a different feature costs only {effect:.3f} of the metric "
                   f"(δ={delta}): the claim cannot fail, so it earns nothing.")
    elif not value >= threshold:
        failures.append("scrubbing")
        message = f"resampling {comp} within feature classes keeps {value:.3f} of the metric (threshold {threshold})."
    else:
        message = (f"resampling {comp} within feature classes keeps {value:.3f} of the metric (threshold {threshold}); "
                   f"across classes it costs {effect:.3f}.")
    ci = ctx.bootstrap(lambda r: _ratio(m_same - m_diff, m_clean - m_diff, r), m_clean)
    return ClaimResult(index, "scrubbing", claim.name, not failures, value, threshold, ci, ctx.n, "resample",
                       [comp.base], failures, message, {"effect_of_different": effect, "coverage": coverage})


# --- path --------------------------------------------------------------------------------------

def _residual_delta(ctx: Context, comp: Component) -> torch.Tensor:
    """The change in the residual stream when `comp` is ablated (default ablation), [rows, pos, d_model]."""
    change = ctx.base.ablated(comp, ctx.ablation) - ctx.base.activation(comp)
    if comp.positions is not None:
        keep = torch.zeros(ctx.space.n_ctx, dtype=torch.bool)
        keep[list(comp.positions)] = True
        change = change * keep[None, :, None]
    if comp.kind != "head":
        return change
    w_o = ctx.base.model.blocks[comp.layer].attn.o.weight  # [d_model, heads * d_head]
    d_head = change.shape[-1]
    return change @ w_o[:, comp.head * d_head:(comp.head + 1) * d_head].T


def _norm(module: torch.nn.Module) -> torch.nn.Module:
    return getattr(module, "_original_component", module)


def _path_hooks(ctx: Context, target: Component | str, delta: torch.Tensor) -> list:
    model = ctx.base.model
    if target == "logits":
        return [("ln_final.hook_in", lambda act, hook=None: act + delta)]
    layer = target.layer
    saved: dict[str, torch.Tensor] = {}

    def save(act, hook=None):
        saved["resid"] = act
        return act

    if target.kind == "mlp":
        ln = _norm(model.blocks[layer].ln2)
        return [(f"blocks.{layer}.ln2.hook_in", save),
                (f"blocks.{layer}.mlp.hook_in", lambda act, hook=None: ln(saved["resid"] + delta))]
    attn, ln = model.blocks[layer].attn, _norm(model.blocks[layer].ln1)
    linear = _norm({"q": attn.q, "k": attn.k, "v": attn.v}[target.input])

    def splice(act, hook=None):
        new = linear(ln(saved["resid"] + delta)).view(act.shape)
        act = act.clone()
        act[:, :, target.head] = new[:, :, target.head]
        return act

    return [(f"blocks.{layer}.ln1.hook_in", save), (f"blocks.{layer}.attn.hook_{target.input}", splice)]


def check_path(ctx: Context, index: int, claim: PathClaim) -> ClaimResult:
    source, target = ctx.space.parse(claim.source), ctx.space.parse_target(claim.target)
    where = torch.zeros(ctx.space.n_ctx, dtype=torch.bool)
    where[list(source.positions) if source.positions is not None else slice(None)] = True
    total = ctx.base.run([[Edit(source, where, ctx.base.ablated(source, ctx.ablation))]], ctx.metric)[0]
    delta = _residual_delta(ctx, source)
    with torch.no_grad():
        path_logits = ctx.base.model.run_with_hooks(ctx.batch["tokens"], fwd_hooks=_path_hooks(ctx, target, delta))
    m_clean, m_empty = _np(ctx.m_clean), _np(ctx.m_empty)
    m_total, m_path = _np(total), _np(ctx.metric(path_logits))
    value = _ratio(m_clean - m_path, m_clean - m_total)
    effect = _ratio(m_clean - m_total, m_clean - m_empty)
    threshold = ctx.spec.path
    failures = []
    if not effect >= ctx.spec.delta:
        failures.append("path.untestable")
        message = f"ablating {claim.source} costs only {effect:.3f} of the metric (δ={ctx.spec.delta}); there is no effect to route."
    elif not value >= threshold:
        failures.append("path")
        message = f"the path {claim.source} → {claim.target} carries {value:.3f} of {claim.source}'s effect (threshold {threshold})."
    else:
        message = f"the path {claim.source} → {claim.target} carries {value:.3f} of {claim.source}'s effect (threshold {threshold})."
    ci = ctx.bootstrap(lambda r: _ratio(m_clean - m_path, m_clean - m_total, r), m_clean)
    explains = [source.base] + ([target.base] if target != "logits" else [])
    return ClaimResult(index, "path", claim.name, not failures, value, threshold, ci, ctx.n, ctx.ablation, explains,
                       failures, message, {"source_effect": effect})


# --- algorithm and interchange -----------------------------------------------------------------

def _agreement_rows(ctx: Context, model_logits: torch.Tensor, predicted: np.ndarray, what: str,
                    counted: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per-row (agreements, counted positions) of int labels, or (1 − normalised KL, 1) of distributions."""
    mask = ctx.task_mask.numpy() if counted is None else counted
    rows, n_ctx = mask.shape
    if predicted.shape == (rows, n_ctx) and np.issubdtype(predicted.dtype, np.integer):
        agree = (_np(model_logits.argmax(-1)).astype(np.int64) == predicted) & mask
        return agree.sum(-1).astype(float), mask.sum(-1).astype(float)
    if predicted.ndim == 3 and predicted.shape[:2] == (rows, n_ctx) and np.issubdtype(predicted.dtype, np.floating):
        log_p = model_logits.double().log_softmax(-1)
        p = log_p.exp()
        q = torch.from_numpy(predicted).double().clamp_min(1e-9)
        q = q / q.sum(-1, keepdim=True)
        kl = (p * (log_p - q.log())).sum(-1)
        kl_uniform = (p * (log_p + np.log(p.shape[-1]))).sum(-1).clamp_min(1e-9)
        score = _np((1 - kl / kl_uniform).clamp_min(0))
        return (score * mask).sum(-1), mask.sum(-1).astype(float)
    raise HypothesisError(f"{what} returned shape {predicted.shape} and dtype {predicted.dtype}; return int labels "
                          f"[{rows}, {n_ctx}] or probabilities [{rows}, {n_ctx}, vocab].")


def check_algorithm(ctx: Context, index: int, claim: Algorithm) -> ClaimResult:
    explains = [ctx.space.parse(c).base for c in claim.explains]
    predicted = np.asarray(ctx.call(index, "predict", (ctx.batch["tokens"].numpy(),)))
    agree, counted = _agreement_rows(ctx, ctx.base.clean_logits, predicted, f"Algorithm claim {index} predict")
    value = _ratio(agree, counted)
    threshold = ctx.spec.algorithm
    passed = bool(value >= threshold)
    message = f"the algorithm agrees with the model on {value:.3f} of the task positions (threshold {threshold})."
    return ClaimResult(index, "algorithm", claim.name, passed, value, threshold,
                       ctx.bootstrap(lambda r: _ratio(agree, counted, r), agree), ctx.n, None, explains,
                       [] if passed else ["algorithm"], message)


def check_interchange(ctx: Context, index: int, claim: Interchange) -> ClaimResult:
    comp = ctx.space.parse(claim.component)
    base_tokens, source_tokens = ctx.batch["tokens"].numpy(), ctx.source_batch["tokens"].numpy()
    v_base = np.asarray(ctx.call(index, "variable", (base_tokens,)))
    v_source = np.asarray(ctx.call(index, "variable", (source_tokens,)))
    if v_base.shape[:1] != (len(base_tokens),) or v_source.shape != v_base.shape:
        raise HypothesisError(f"Interchange claim {index} variable returned shape {v_base.shape}; return one value "
                              f"per row (and position): shape [{len(base_tokens)}, ...].")
    pred_cf = np.asarray(ctx.call(index, "predict", (base_tokens, v_source)))
    pred_base = np.asarray(ctx.call(index, "predict", (base_tokens, v_base)))
    if pred_cf.shape != base_tokens.shape or not np.issubdtype(pred_cf.dtype, np.integer):
        raise HypothesisError(f"Interchange claim {index} predict returned shape {pred_cf.shape} and dtype {pred_cf.dtype}; "
                              f"return int labels of shape {base_tokens.shape}.")
    positions = torch.zeros(ctx.space.n_ctx, dtype=torch.bool)
    positions[list(comp.positions) if comp.positions is not None else slice(None)] = True
    patched = ctx.base.run([[Edit(comp, positions, ctx.source.activation(comp))]], lambda logits: logits)[0]
    informative = ctx.task_mask.numpy() & (pred_cf != pred_base) & (pred_cf >= 0)
    agree, counted = _agreement_rows(ctx, patched, pred_cf, f"Interchange claim {index} predict", informative)
    value = _ratio(agree, counted)
    share = float(informative.sum() / max(1, ctx.task_mask.numpy().sum()))
    threshold = ctx.spec.interchange
    failures = []
    if share < 0.05:
        failures.append("interchange.untestable")
        message = (f"the variable changes the predicted output at only {share:.1%} of task positions; "
                   "the claim cannot fail, so it earns nothing.")
    elif not value >= threshold:
        failures.append("interchange")
        message = f"patching {comp} from a source gives the predicted output at {value:.3f} of positions (threshold {threshold})."
    else:
        message = (f"patching {comp} from a source gives the predicted output at {value:.3f} of the {share:.0%} of "
                   f"task positions where the variable matters (threshold {threshold}).")
    return ClaimResult(index, "interchange", claim.name, not failures, value, threshold,
                       ctx.bootstrap(lambda r: _ratio(agree, counted, r), agree), ctx.n, "interchange",
                       [comp.base], failures, message, {"informative_share": share})


CHECKS = {"circuit": check_circuit, "attention": check_attention, "scrubbing": check_scrubbing, "path": check_path,
         "algorithm": check_algorithm, "interchange": check_interchange}
