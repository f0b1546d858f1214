"""Interchange claims (causal abstraction): the high-level variable `variable(tokens)` lives in component C.

C is patched (at its claimed positions) from a source input; the model's top token should become
`predict(base_tokens, variable(source))`. Counted at every task position:
  value       interchange-intervention accuracy where the prediction differs from predict(base, variable(base))
              (the informative positions) ≥ `interchange`;
  overall     accuracy at every task position ≥ `interchange` (a claim that the patch changes nothing somewhere
              is tested there too; a missing prediction, -1, counts as a miss);
  per position  at each task position, the accuracy at its informative rows (where ≥ 10 and ≥ 5% of them are)
              and at all its rows ≥ `interchange` (`interchange.positions`: averaged over 116 positions, a claim
              false at one of them passes);
  testable    the variable changes the prediction at ≥ 5% of task positions;
  non-trivial on a freshly initialised model of the same architecture, the same patch does not simply make
              the model output what it outputs on the source (≥ 90% of informative positions): patching the
              whole input, or all of it that the counted outputs read, is true of every model and earns nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..hypothesis import HypothesisError, Interchange
from .algorithm import agreement_rows
from .context import ClaimResult, Context, positions_mask, ratio, result, to_np
from .coverage import MIN_ROWS
from .edits import Replace
from .sample import Sample

MIN_INFORMATIVE = 0.05
WHOLE_INPUT = 0.9
MOVED = 0.1  # swaps_the_input: the patched logits lie within 10% of the base-to-source distance of the source's


def swaps_the_input(ctx: Context, comp, informative: np.ndarray) -> float:
    """On an untrained model of the same architecture: the share of informative positions where patching
    `comp` from the source gives the model's own top token on the source *and* moves its logits there (at
    least 1 − MOVED of the way from the base's): an untrained model whose output ignores the input (a position
    whose token never changes) gives the source's top token after any patch, which says nothing about `comp`."""
    null = ctx.sample.null_model()
    hooks = {comp.hook}
    base = Sample(null, ctx.base.tokens, hooks)
    source = Sample(null, ctx.source.tokens, hooks)
    mask = positions_mask(ctx.space.n_ctx, comp)
    patched = base.run([[Replace(comp, mask, source.activation(comp))]], lambda logits: logits)[0]
    same = to_np(patched.argmax(-1)) == to_np(source.clean_logits.argmax(-1))
    gap = (patched - source.clean_logits).norm(dim=-1)
    moved = to_np(gap <= MOVED * (base.clean_logits - source.clean_logits).norm(dim=-1)).astype(bool)
    return float((same & moved & informative).sum() / max(1, informative.sum()))


def labels(ctx: Context, index: int, what: str) -> tuple[np.ndarray, np.ndarray]:
    """(predict(base, variable(source)), predict(base, variable(base))) from claim `index`'s functions, checked."""
    base_tokens, source_tokens = ctx.sample.batch["tokens"].numpy(), ctx.sample.source_batch["tokens"].numpy()
    v_base = np.asarray(ctx.call(index, "variable", (base_tokens,)))
    v_source = np.asarray(ctx.call(index, "variable", (source_tokens,)))
    if v_base.shape[:1] != (len(base_tokens),) or v_source.shape != v_base.shape:
        raise HypothesisError(f"{what} variable returned shape {v_base.shape}; return one value "
                              f"per row (and position): shape [{len(base_tokens)}, ...].")
    pred_cf = np.asarray(ctx.call(index, "predict", (base_tokens, v_source)))
    pred_base = np.asarray(ctx.call(index, "predict", (base_tokens, v_base)))
    for pred in (pred_cf, pred_base):
        if pred.shape != base_tokens.shape or not np.issubdtype(pred.dtype, np.integer):
            raise HypothesisError(f"{what} predict returned shape {pred.shape} and dtype {pred.dtype}; "
                                  f"return int labels of shape {base_tokens.shape}.")
        if ((pred < -1) | (pred >= ctx.d_vocab_out)).any():
            raise HypothesisError(f"{what} predict returned labels outside -1..{ctx.d_vocab_out - 1}; "
                                  "return token ids (or -1 for no prediction).")
    return pred_cf, pred_base


@dataclass
class Accuracy:
    """Interchange-intervention accuracy of one patch against predicted labels."""

    value: float  # at the informative positions
    overall: float  # at every task position
    share: float  # informative positions / task positions
    agree: np.ndarray  # per row, for the bootstrap
    counted: np.ndarray
    informative: np.ndarray  # bool [rows, pos]
    by_position: np.ndarray  # [pos]: accuracy at the informative rows of each position (NaN where not judged)


def accuracy(ctx: Context, edit, pred_cf: np.ndarray, pred_base: np.ndarray, what: str) -> Accuracy:
    task = ctx.task_mask
    patched = ctx.runs([[edit]], lambda logits: logits)[0]
    informative = task & (pred_cf != pred_base)
    agree, counted, _ = agreement_rows(ctx, patched, pred_cf, f"{what} predict", informative)
    agree_all, counted_all, _ = agreement_rows(ctx, patched, pred_cf, f"{what} predict", task)
    # per position: the worse of the accuracy at its informative rows (where enough are) and at all its rows (labels
    # only: distributions are scored as a whole)
    hits = (to_np(patched.argmax(-1)).astype(np.int64) == pred_cf)
    n_inf, n_task = informative.sum(0), task.sum(0)
    judged = (n_inf >= MIN_ROWS) & (n_inf >= MIN_INFORMATIVE * np.maximum(1, n_task))
    at_informative = np.where(judged, (hits & informative).sum(0) / np.maximum(1, n_inf), np.inf)
    at_all = np.where(n_task >= MIN_ROWS, (hits & task).sum(0) / np.maximum(1, n_task), np.inf)
    by_position = np.minimum(at_informative, at_all)
    by_position = np.where(np.isfinite(by_position) & (ctx.task_metric != "kl_to_reference"), by_position, np.nan)
    return Accuracy(ratio(agree, counted), ratio(agree_all, counted_all),
                    float(informative.sum() / max(1, task.sum())), agree, counted, informative, by_position)


def check(ctx: Context, index: int, claim: Interchange) -> ClaimResult:
    comp = ctx.space.parse(claim.component)
    pred_cf, pred_base = labels(ctx, index, f"Interchange claim {index}")
    patch = Replace(comp, positions_mask(ctx.space.n_ctx, comp), ctx.source.activation(comp))
    acc = accuracy(ctx, patch, pred_cf, pred_base, f"Interchange claim {index}")
    value, overall, share, informative = acc.value, acc.overall, acc.share, acc.informative
    threshold = ctx.spec.interchange
    failures, vacuous = [], False
    if share < MIN_INFORMATIVE:
        failures.append("interchange.untestable")
        vacuous = True
        message = (f"the variable changes the predicted output at only {share:.1%} of task positions; the claim cannot "
                   "fail, so it earns nothing.")
    elif (swapped := swaps_the_input(ctx, comp, informative)) >= WHOLE_INPUT:
        failures.append("interchange.whole_input")
        vacuous = True
        message = (f"patching {comp} from the source makes even an untrained model of this architecture output what "
                   f"it outputs on the source ({swapped:.0%} of informative positions): the patch replaces the input "
                   "the counted outputs read, which is true of every model. Locate the variable in an intermediate "
                   "component (a head or an MLP).")
    else:
        if not value >= threshold:
            failures.append("interchange")
        if not overall >= threshold:
            failures.append("interchange.overall")
        worst = int(np.nanargmin(acc.by_position)) if np.isfinite(acc.by_position).any() else -1
        if worst >= 0 and not acc.by_position[worst] >= threshold and "interchange" not in failures:
            failures.append("interchange.positions")
        message = (f"patching {comp} from a source gives the predicted output at {value:.3f} of the {share:.0%} of task "
                   f"positions where the variable matters, and {overall:.3f} of all task positions "
                   f"(threshold {threshold} for both).")
        if "interchange.positions" in failures:
            message += (f" At position {worst} it gives the predicted output at only {acc.by_position[worst]:.3f} of "
                        f"the rows where the variable matters there (threshold {threshold} at every position): the "
                        "claim is false there, whatever the average.")
        if failures:
            message += (" The component does not carry this variable in the way predicted: try another component, "
                        "or a variable the outputs follow when it is patched.")
    return result(ctx, index, "interchange", claim.name, value, threshold, failures, message, explains=[comp.base],
                  ci=ctx.bootstrap(lambda r: ratio(acc.agree, acc.counted, r)), ablation="interchange", vacuous=vacuous,
                  details={"informative_share": share, "overall": overall,
                           "by_position": np.nan_to_num(acc.by_position, nan=-1).tolist()})
