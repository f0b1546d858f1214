"""Algorithm claims: the model computes `predict` (behavioural; explains no component).

Agreement on the task positions ≥ `algorithm`: for labels, the share of positions where the model's top token
equals the predicted label; for distributions [batch, pos, vocab], 1 − KL(model ‖ predict) / KL(model ‖ uniform).
On a task whose reference is a distribution (kl_to_reference), labels are compared as one-hot distributions:
the claim must give the distribution, not only its argmax. An algorithm claim is true of any model that does
the task, so it explains no component: say where its variables live with interchange claims.

Judged against the task's own answer, not only a fixed bar: the task's labels (or its reference distribution)
agree with the model to some degree A, and a claim about what the model computes cannot be worse than that by more
than `algorithm_tolerance` (0.01): value ≥ max(`algorithm`, A − tolerance) (check `algorithm.label`). On a model
that is right 99.98% of the time, an algorithm that differs from it on 3% of inputs is false, whatever the fixed bar
says; so is a distribution at another temperature than the model's. The same bound holds at each task position
(`algorithm.positions`): averaged over 116 positions, an algorithm wrong at one of them is within the tolerance.
"""

from __future__ import annotations

import numpy as np
import torch

from ..hypothesis import Algorithm, HypothesisError
from .context import ClaimResult, Context, ratio, result, to_np
from .coverage import MIN_ROWS


def agreement_units(ctx: Context, model_logits: torch.Tensor, predicted: np.ndarray, what: str,
                    counted: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, str]:
    """(agreement [rows, pos], counted bool [rows, pos], form) of labels or distributions against the model: 0 at the
    positions not counted."""
    mask = ctx.task_mask if counted is None else counted
    rows, n_ctx = mask.shape
    vocab = model_logits.shape[-1]
    form = "labels"
    if predicted.shape == (rows, n_ctx) and np.issubdtype(predicted.dtype, np.integer):
        if ctx.task_metric != "kl_to_reference":
            agree = (to_np(model_logits.argmax(-1)).astype(np.int64) == predicted) & mask
            return agree.astype(float), mask, form
        labels = np.where((predicted >= 0) & (predicted < vocab), predicted, 0)
        predicted = np.eye(vocab)[labels] * ((predicted >= 0) & (predicted < vocab))[..., None]
        form = "labels as one-hot distributions"
    if predicted.ndim == 3 and predicted.shape[:2] == (rows, n_ctx) and np.issubdtype(predicted.dtype, np.floating):
        if predicted.shape[-1] != vocab:
            raise HypothesisError(f"{what} returned distributions over {predicted.shape[-1]} tokens; the model's "
                                  f"vocabulary has {vocab}.")
        log_p = model_logits.double().log_softmax(-1)
        p = log_p.exp()
        q = torch.from_numpy(np.nan_to_num(predicted.astype(np.float64))).clamp_min(1e-9)
        q = q / q.sum(-1, keepdim=True)
        kl = (p * (log_p - q.log())).sum(-1)
        kl_uniform = (p * (log_p + np.log(vocab))).sum(-1).clamp_min(1e-9)
        score = to_np((1 - kl / kl_uniform).clamp_min(0))
        # np.where, not score * mask: an uncounted position's score may be NaN (a trimmed pass left it out)
        form = form if form != "labels" else "distributions"
        return np.where(mask, score, 0.0), mask, form
    raise HypothesisError(f"{what} returned shape {predicted.shape} and dtype {predicted.dtype}; return int labels "
                          f"[{rows}, {n_ctx}] or probabilities [{rows}, {n_ctx}, vocab].")


def agreement_rows(ctx: Context, model_logits: torch.Tensor, predicted: np.ndarray, what: str,
                   counted: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, str]:
    """Per-row (agreement, counted positions, form) of labels or distributions against the model."""
    agree, mask, form = agreement_units(ctx, model_logits, predicted, what, counted)
    return agree.sum(-1), mask.sum(-1).astype(float), form


def task_answer(ctx: Context) -> np.ndarray:
    """The task's own answer in a claim's form: the reference distribution (kl_to_reference), else the labels at the
    task positions (-1 elsewhere)."""
    batch = ctx.sample.batch
    reference = ctx.sample.metric_rows(ctx.n).reference
    if ctx.task_metric == "kl_to_reference" and reference is not None:
        return to_np(reference(batch["tokens"]))
    labels = np.full(ctx.task_mask.shape, -1, dtype=np.int64)
    if "targets" in batch:
        targets = batch["targets"].numpy()
        labels[ctx.task_mask] = targets[ctx.task_mask]
    else:
        rows = np.arange(len(labels))
        labels[rows, batch["answer_position"].numpy()] = batch["answer"].numpy()
    return labels


def _by_position(ctx: Context, predicted: np.ndarray, what: str) -> tuple[np.ndarray, np.ndarray]:
    """Agreement of the claim and of the task's own answer at each position [pos] (NaN where fewer than MIN_ROWS
    rows are counted)."""
    out = []
    for labels, name in ((predicted, what), (task_answer(ctx), "the task's answer")):
        agree, mask, _ = agreement_units(ctx, ctx.base.clean_logits, labels, name)
        n = mask.sum(0)
        out.append(np.where(n >= MIN_ROWS, agree.sum(0) / np.maximum(n, 1), np.nan))
    return out[0], out[1]


def check(ctx: Context, index: int, claim: Algorithm) -> ClaimResult:
    predicted = np.asarray(ctx.call(index, "predict", (ctx.sample.batch["tokens"].numpy(),)))
    agree, counted, form = agreement_rows(ctx, ctx.base.clean_logits, predicted, f"Algorithm claim {index} predict")
    value = ratio(agree, counted)
    answer_agree, answer_counted, _ = agreement_rows(ctx, ctx.base.clean_logits, task_answer(ctx), "the task's answer")
    answer = ratio(answer_agree, answer_counted)
    floor = answer - ctx.spec.algorithm_tolerance
    threshold = max(ctx.spec.algorithm, floor)
    failures = [] if value >= ctx.spec.algorithm else ["algorithm"]
    failures += ["algorithm.label"] if value < floor else []
    by_position, answer_by_position = _by_position(ctx, predicted, f"Algorithm claim {index} predict")
    behind = answer_by_position - ctx.spec.algorithm_tolerance - by_position  # > 0: worse than the label there
    worst = int(np.nanargmax(behind)) if np.isfinite(behind).any() else -1
    if worst >= 0 and behind[worst] > 0 and not failures:
        failures.append("algorithm.positions")
    message = (f"the algorithm ({form}) agrees with the model on {value:.3f} of the task positions (threshold "
               f"{threshold:.3f}: the task's own answer agrees on {answer:.3f}, and a claim may fall at most "
               f"{ctx.spec.algorithm_tolerance} below it, never below {ctx.spec.algorithm}).")
    if "algorithm.positions" in failures:
        message += (f" At position {worst} it agrees on only {by_position[worst]:.3f}, where the task's own answer agrees "
                    f"on {answer_by_position[worst]:.3f} (at most {ctx.spec.algorithm_tolerance} below it at every task "
                    "position): the algorithm is wrong there, whatever the average.")
    if "algorithm.label" in failures:
        message += (" The model does the task better than this algorithm describes it: find where they differ "
                    "(the inputs where predict disagrees with the model) and say what the model does there.")
    if failures and form.startswith("labels as"):
        message += " This task's outputs are distributions: return probabilities [batch, pos, vocab]."
    if list(claim.explains):
        message += (" It explains no component (explains= is ignored): an algorithm claim is behavioural — any model "
                    "that does the task satisfies it. Add interchange claims that put its variables in components.")
    return result(ctx, index, "algorithm", claim.name, value, threshold, failures, message,
                  ci=ctx.bootstrap(lambda r: ratio(agree, counted, r)), details={"form": form, "task_answer": answer,
                           "by_position": np.nan_to_num(by_position, nan=-1).tolist()})
