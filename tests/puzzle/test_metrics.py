"""Task metrics (harness/puzzle/metrics.py) on constructed logits: cross-entropy, KL to a reference and logit
difference, each counted only at the declared positions, and the per-row metric the grader uses."""

from __future__ import annotations

import math

import pytest
import torch

from harness.puzzle.declaration import TaskSpec
from harness.puzzle.metrics import position_answers, position_metric, row_metric, task_loss, task_mask, task_scores

CE = TaskSpec("cross_entropy", (1, 3), "the next token")
KL = TaskSpec("kl_to_reference", (0, 2), "the next-token distribution", reference="data.py:reference")
LD = TaskSpec("logit_diff", None, "the answer over the distractor")

# 2 rows, 3 positions, 3 tokens: row 0 is right at positions 1 and 2, row 1 only at position 2; position 0 (not
# counted by CE) is wrong everywhere
LOGITS = torch.tensor([[[0.0, 0.0, 9.0], [9.0, 0.0, 0.0], [0.0, 9.0, 0.0]],
                       [[0.0, 0.0, 9.0], [0.0, 0.0, 9.0], [0.0, 9.0, 0.0]]])
BATCH = {"tokens": torch.zeros(2, 3, dtype=torch.long), "targets": torch.tensor([[0, 0, 1], [0, 0, 1]])}


def test_cross_entropy_counts_only_the_declared_positions():
    scores = task_scores(CE, LOGITS, BATCH)
    assert scores["accuracy"] == pytest.approx(3 / 4)
    assert scores["sequence_accuracy"] == pytest.approx(1 / 2)
    assert scores["accuracy_by_position"] == [0.5, 1.0]
    expected = -LOGITS[:, 1:3].double().log_softmax(-1).gather(-1, BATCH["targets"][:, 1:3, None]).mean()
    assert scores["loss"] == pytest.approx(float(expected)) and float(task_loss(CE, LOGITS, BATCH)) == pytest.approx(float(expected))
    rows = row_metric(CE, LOGITS, BATCH)
    assert rows.shape == (2,) and rows[0] > rows[1]  # higher is better
    assert float(-rows.mean()) == pytest.approx(scores["loss"])


def test_kl_to_the_reference_is_zero_for_the_reference_itself():
    probs = LOGITS.double().softmax(-1)
    scores = task_scores(KL, LOGITS, BATCH, reference=lambda tokens: probs)
    assert scores["kl"] == pytest.approx(0.0, abs=1e-9) and scores["accuracy"] == 1.0
    assert row_metric(KL, LOGITS, BATCH, lambda tokens: probs) == pytest.approx(torch.zeros(2, dtype=torch.float64), abs=1e-9)
    uniform = task_scores(KL, LOGITS, BATCH, reference=lambda tokens: torch.full((2, 3, 3), 1 / 3))
    assert uniform["kl"] > 1.0 and uniform["reference_loss"] == pytest.approx(math.log(3))
    assert (row_metric(KL, LOGITS, BATCH, lambda tokens: torch.full((2, 3, 3), 1 / 3)) < 0).all()


def test_logit_difference_is_read_at_each_rows_answer_position():
    batch = {"tokens": torch.zeros(2, 3, dtype=torch.long), "answer_position": torch.tensor([2, 0]),
             "answer": torch.tensor([1, 0]), "distractor": torch.tensor([0, 2])}
    scores = task_scores(LD, LOGITS, batch)
    assert scores["logit_diff_by_prompt"] == [9.0, -9.0] and scores["logit_diff"] == 0.0 and scores["accuracy"] == 0.5
    assert row_metric(LD, LOGITS, batch).tolist() == [9.0, -9.0]
    mask = task_mask(LD, batch)
    assert mask.tolist() == [[False, False, True], [True, False, False]]


def test_the_task_mask_marks_the_declared_positions():
    assert task_mask(CE, BATCH).tolist() == [[False, True, True]] * 2
    assert task_mask(KL, BATCH).tolist() == [[True, True, False]] * 2


def test_answers_per_position_follow_each_metrics_accuracy():
    assert position_answers(CE, LOGITS, BATCH).tolist() == [[True, True], [False, True]]
    assert position_metric(CE, LOGITS, BATCH).mean(-1).tolist() == row_metric(CE, LOGITS, BATCH).tolist()
    # a most likely reference token counts, whichever target was sampled
    reference = torch.zeros(2, 3, 3)
    reference[..., 2] = 1.0
    assert position_answers(KL, LOGITS, BATCH, lambda tokens: reference).tolist() == [[True, False], [True, True]]
    batch = {"tokens": torch.zeros(2, 3, dtype=torch.long), "answer_position": torch.tensor([2, 0]),
             "answer": torch.tensor([1, 0]), "distractor": torch.tensor([0, 2])}
    assert position_answers(LD, LOGITS, batch).tolist() == [[True], [False]]
