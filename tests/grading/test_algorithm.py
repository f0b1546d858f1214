"""Algorithm claims (harness/grading/algorithm.py): behavioural, so they explain no component; agreement with the
model is the top-1 share for labels and 1 − KL(model ‖ predict) / KL(model ‖ uniform) for distributions."""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from harness.grading import grade
from harness.grading.algorithm import agreement_rows
from harness.hypothesis import Algorithm, Circuit, Hypothesis, HypothesisError
from helpers import CIRCUIT, RP, previous_token


def test_algorithm_claims_explain_nothing(rp):
    report = grade(Hypothesis(RP, [Circuit(CIRCUIT), Algorithm(previous_token, explains=["L0H0", "L1H0"])]), puzzle=rp,
                   n=64)
    assert report.claims[1].passed and report.claims[1].explains == []
    assert set(report.unexplained) == {"L0H0", "L1H0"} and not report.solved


LOGITS = torch.tensor([[[3.0, 0.0, 0.0], [0.0, 2.0, 0.0]],
                       [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]])  # [rows 2, positions 2, vocab 3]
MASK = np.array([[False, True], [True, True]])  # position 0 of row 0 is not counted


def _ctx(metric: str = "cross_entropy"):
    return SimpleNamespace(task_mask=MASK, task_metric=metric)


def test_labels_agree_where_the_models_top_token_is_the_label_at_counted_positions():
    predicted = np.array([[2, 1], [2, 2]])  # row 0: right at 1 (position 0 wrong but not counted); row 1: right at 0
    agree, counted, form = agreement_rows(_ctx(), LOGITS, predicted, "predict")
    assert form == "labels"
    assert agree.tolist() == [1.0, 1.0] and counted.tolist() == [1.0, 2.0]


def test_distributions_score_one_for_the_models_own_and_zero_for_uniform():
    own = LOGITS.double().softmax(-1).numpy()
    agree, counted, form = agreement_rows(_ctx(), LOGITS, own, "predict")
    assert form == "distributions"
    np.testing.assert_allclose(agree / counted, [1.0, 1.0], atol=1e-6)
    agree, counted, _ = agreement_rows(_ctx(), LOGITS, np.full((2, 2, 3), 1 / 3), "predict")
    np.testing.assert_allclose(agree, [0.0, 0.0], atol=1e-9)


def test_on_a_distributional_task_labels_count_as_one_hot_distributions():
    labels = LOGITS.argmax(-1).numpy()  # the model's own argmax: perfect as labels, not as distributions
    as_labels, _, _ = agreement_rows(_ctx("cross_entropy"), LOGITS, labels, "predict")
    one_hot, counted, form = agreement_rows(_ctx("kl_to_reference"), LOGITS, labels, "predict")
    assert form == "labels as one-hot distributions"
    assert (as_labels == counted).all() and (one_hot < counted).all()


def test_a_position_not_counted_never_enters_the_score_even_as_nan():
    """A trimmed pass (harness/grading/forward.py) leaves NaN logits where the task reads nothing."""
    holed = LOGITS.clone()
    holed[~torch.from_numpy(_ctx().task_mask)] = float("nan")
    for metric in ("cross_entropy", "kl_to_reference"):
        for predicted in (LOGITS.argmax(-1).numpy(), LOGITS.double().softmax(-1).numpy()):
            assert agreement_rows(_ctx(metric), holed, predicted, "predict")[0].tolist() == pytest.approx(
                agreement_rows(_ctx(metric), LOGITS, predicted, "predict")[0].tolist())


@pytest.mark.parametrize("predicted, says", [
    (np.full((2, 2, 4), 0.25), "distributions over 4 tokens; the model's vocabulary has 3"),
    (np.zeros((2, 3), dtype=int), "shape (2, 3)"),
    (np.zeros((2, 2)), "dtype float64"),
])
def test_a_prediction_of_the_wrong_form_is_a_hypothesis_error(predicted, says):
    with pytest.raises(HypothesisError, match=re.escape(says)):
        agreement_rows(_ctx(), LOGITS, predicted, "Algorithm claim 0 predict")
