"""Task metrics: one function per declared metric, each mapping (logits, batch) to named scores.

Every metric returns `loss` (lower is better, differentiable) and `accuracy`, plus its own extras.
`task_loss` is the training objective; `task_scores` the evaluation report.
"""

from __future__ import annotations

from typing import Callable

import torch

from .declaration import TaskSpec

Reference = Callable[[torch.Tensor], torch.Tensor]  # tokens [batch, pos] -> target probabilities [batch, pos, vocab]


def _counted(task: TaskSpec, logits: torch.Tensor, batch: dict[str, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    """Log-probabilities (float64) and targets at the declared positions."""
    start, stop = task.positions
    log_probs = logits[:, start:stop].to(torch.float64).log_softmax(-1)
    return log_probs, batch["targets"][:, start:stop]


def task_loss(task: TaskSpec, logits: torch.Tensor, batch: dict[str, torch.Tensor], reference: Reference | None = None) -> torch.Tensor:
    """The training loss: cross-entropy of the labelled targets at the declared positions (answer token for logit_diff)."""
    if task.metric == "logit_diff":
        rows = torch.arange(logits.shape[0])
        final = logits[rows, batch["answer_position"]].to(torch.float64).log_softmax(-1)
        return -final.gather(-1, batch["answer"][:, None]).mean()
    log_probs, targets = _counted(task, logits, batch)
    return -log_probs.gather(-1, targets[..., None]).mean()


def cross_entropy_scores(task: TaskSpec, logits: torch.Tensor, batch: dict[str, torch.Tensor]) -> dict[str, object]:
    log_probs, targets = _counted(task, logits, batch)
    correct = (log_probs.argmax(-1) == targets).to(torch.float64)
    return {
        "loss": float(-log_probs.gather(-1, targets[..., None]).mean()),
        "accuracy": float(correct.mean()),
        "sequence_accuracy": float(correct.prod(-1).mean()),
        "accuracy_by_position": [round(float(a), 4) for a in correct.mean(0)],
    }


def kl_to_reference_scores(task: TaskSpec, logits: torch.Tensor, batch: dict[str, torch.Tensor], reference: Reference) -> dict[str, object]:
    """KL(reference || model) at each counted position; accuracy = the model's top token is a most likely reference token."""
    log_probs, targets = _counted(task, logits, batch)
    start, stop = task.positions
    ref = reference(batch["tokens"])[:, start:stop].to(torch.float64)
    kl = (ref * (ref.clamp_min(1e-12).log() - log_probs)).sum(-1)
    top = log_probs.argmax(-1, keepdim=True)
    best = ref.gather(-1, top)[..., 0] >= ref.max(-1).values - 1e-9
    return {
        "loss": float(-log_probs.gather(-1, targets[..., None]).mean()),
        "reference_loss": float(-(ref * ref.clamp_min(1e-12).log()).sum(-1).mean()),
        "kl": float(kl.mean()),
        "accuracy": float(best.to(torch.float64).mean()),
        "next_token_accuracy": float((top[..., 0] == targets).to(torch.float64).mean()),
    }


def logit_diff_scores(task: TaskSpec, logits: torch.Tensor, batch: dict[str, torch.Tensor]) -> dict[str, object]:
    rows = torch.arange(logits.shape[0])
    final = logits[rows, batch["answer_position"]].to(torch.float64)
    diff = final.gather(-1, batch["answer"][:, None])[:, 0] - final.gather(-1, batch["distractor"][:, None])[:, 0]
    return {
        "loss": float(-final.log_softmax(-1).gather(-1, batch["answer"][:, None]).mean()),
        "accuracy": float((diff > 0).to(torch.float64).mean()),
        "logit_diff": float(diff.mean()),
        "logit_diff_by_prompt": [round(float(d), 3) for d in diff],
    }


def task_scores(task: TaskSpec, logits: torch.Tensor, batch: dict[str, torch.Tensor], reference: Reference | None = None) -> dict[str, object]:
    """All evaluation scores for the declared metric."""
    if task.metric == "cross_entropy":
        return cross_entropy_scores(task, logits, batch)
    if task.metric == "kl_to_reference":
        assert reference is not None, "kl_to_reference needs the puzzle's reference function"
        return kl_to_reference_scores(task, logits, batch, reference)
    return logit_diff_scores(task, logits, batch)


def position_scores(task: TaskSpec, logits: torch.Tensor, batch: dict[str, torch.Tensor],
                    reference: Reference | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """(metric, answers), each [rows, counted positions], from one log-softmax: the task metric per row and counted
    position, higher = better (−loss for cross_entropy, −KL for kl_to_reference, the logit difference at the answer
    position for logit_diff: one column), and whether the logits give the task's answer there, as the task's
    accuracy counts it (the target is the top token; the top token is a most likely reference token; the answer
    beats the distractor)."""
    if task.metric == "logit_diff":
        rows = torch.arange(logits.shape[0])
        final = logits[rows, batch["answer_position"]].to(torch.float64)
        diff = final.gather(-1, batch["answer"][:, None]) - final.gather(-1, batch["distractor"][:, None])
        return diff, diff > 0
    log_probs, targets = _counted(task, logits, batch)
    top = log_probs.argmax(-1, keepdim=True)
    if task.metric == "kl_to_reference":
        start, stop = task.positions
        ref = reference(batch["tokens"])[:, start:stop].to(torch.float64)
        metric = -(ref * (ref.clamp_min(1e-12).log() - log_probs)).sum(-1)
        return metric, ref.gather(-1, top)[..., 0] >= ref.max(-1).values - 1e-9
    return log_probs.gather(-1, targets[..., None])[..., 0], top[..., 0] == targets


def position_metric(task: TaskSpec, logits: torch.Tensor, batch: dict[str, torch.Tensor],
                    reference: Reference | None = None) -> torch.Tensor:
    """The task metric per row and counted position [rows, positions] (position_scores)."""
    return position_scores(task, logits, batch, reference)[0]


def position_answers(task: TaskSpec, logits: torch.Tensor, batch: dict[str, torch.Tensor],
                     reference: Reference | None = None) -> torch.Tensor:
    """Bool [rows, positions]: whether the logits give the task's answer at each counted position (position_scores)."""
    return position_scores(task, logits, batch, reference)[1]


def row_metric(task: TaskSpec, logits: torch.Tensor, batch: dict[str, torch.Tensor], reference: Reference | None = None) -> torch.Tensor:
    """The task metric per row, higher = better: the mean over counted positions of `position_metric`."""
    return position_metric(task, logits, batch, reference).mean(-1)


def task_mask(task: TaskSpec, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """Bool [batch, pos]: the positions whose predictions the task counts."""
    tokens = batch["tokens"]
    mask = torch.zeros(tokens.shape, dtype=torch.bool)
    if task.metric == "logit_diff":
        mask[torch.arange(len(tokens)), batch["answer_position"]] = True
    else:
        mask[:, task.positions[0]:task.positions[1]] = True
    return mask
