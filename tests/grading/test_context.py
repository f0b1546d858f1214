"""What a claim check receives and returns (harness/grading/context.py): the ratio statistics answer per resample
as per row set, the bootstrap interval, each claim's own random generator, the random-claim baseline, and a
result's verdict from its failures."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from harness.grading.context import Baseline, Context, content_seed, ratio, result


def test_vectorised_statistics_equal_one_resample_at_a_time():
    """The bootstrap draws all resamples at once; each statistic answers per resample exactly as it does per row set."""
    from harness.grading.attention import _excess
    from harness.grading.context import ratio
    from harness.grading.path import _least

    rng = np.random.default_rng(0)
    num, den = rng.normal(size=64), rng.normal(size=64) + 0.5
    den[:3] = 0.0
    rows = rng.integers(0, 64, (50, 64))
    rows[0] = 0  # a resample of one zero-denominator row: NaN
    vector = ratio(num, den, rows)
    assert np.array_equal(vector, np.array([ratio(num, den, r) for r in rows]), equal_nan=True) and np.isnan(vector[0])
    mass, chance, counted = rng.random(64), rng.random(64), rng.integers(0, 3, 64).astype(float)
    assert np.array_equal(_excess(mass, chance, counted, rows),
                          np.array([_excess(mass, chance, counted, r) for r in rows]), equal_nan=True)
    a, b = vector, ratio(den, num, rows)
    assert np.array_equal(_least(a, b), np.array([min(x, y) for x, y in zip(a, b)]), equal_nan=True)


def test_ratio_is_the_ratio_of_means_and_nan_on_a_zero_denominator():
    num, den = np.array([1.0, 3.0, 5.0]), np.array([2.0, 2.0, 0.0])
    assert ratio(num, den) == pytest.approx(9 / 4)
    assert ratio(num, den, np.array([0, 1])) == pytest.approx(1.0)
    assert math.isnan(ratio(num, np.zeros(3)))


def _ctx(bootstrap: int = 200, n: int = 50, seed: int = 0):
    sample = SimpleNamespace(n=n, seed=seed)
    return Context(sample=sample, spec=SimpleNamespace(bootstrap=bootstrap), ablation="mean", call=None,
                   task_metric="cross_entropy", d_vocab_out=3, rng=np.random.default_rng(seed))


def test_the_bootstrap_interval_brackets_the_value_and_narrows_with_agreement():
    values = np.random.default_rng(1).normal(1.0, 0.5, 50)
    lo, hi = _ctx().bootstrap(lambda r: values[r].mean(-1))
    assert lo < values.mean() < hi and hi - lo < 0.6
    assert _ctx().bootstrap(lambda r: np.ones(r.shape[:-1])) == (1.0, 1.0)
    # a statistic that answers one number per row set is called once per resample, with the same interval
    assert _ctx().bootstrap(lambda r: float(values[r].mean())) == pytest.approx((lo, hi))
    assert all(math.isnan(x) for x in _ctx().bootstrap(lambda r: np.full(r.shape[:-1], np.nan)))


def test_each_claim_gets_a_generator_of_its_own_content():
    ctx = _ctx(seed=7)
    a, again, b = ctx.for_claim({"kind": "circuit", "x": 1}), ctx.for_claim({"x": 1, "kind": "circuit"}), \
        ctx.for_claim({"kind": "circuit", "x": 2})
    assert a.rng.random() == again.rng.random() != b.rng.random()
    assert content_seed(7, {"a": 1}) != content_seed(8, {"a": 1})
    assert ctx.rng is not a.rng  # the parent context is left as it was


def test_a_baseline_counts_strict_wins_and_has_no_power_when_random_claims_pass():
    won = Baseline.of(0.9, [0.1, 0.2, 0.9, 0.3], threshold=0.8, percentile=0.7, what="random circuits")
    assert won.wins == pytest.approx(0.75) and won.reach == pytest.approx(0.25) and not won.no_power
    assert won.failed is False and "beats 75% of 4 random circuits" == won.note  # the tie at 0.9 is not a win
    tie = Baseline.of(0.5, [0.5, 0.5, 0.1], threshold=0.8, percentile=0.7, what="random circuits")
    assert tie.failed and not tie.no_power and "ties are not wins" in tie.note
    weak = Baseline.of(0.95, [0.85, 0.9, 0.1, 0.2], threshold=0.8, percentile=0.7, what="random subspaces")
    assert weak.no_power and weak.failed and "no power" in weak.note


@pytest.mark.parametrize("failures, vacuous, verdict", [([], False, "pass"), (["x"], False, "fail"),
                                                        ([], True, "vacuous"), (["x"], True, "vacuous")])
def test_a_results_verdict_follows_its_failures_and_only_a_pass_explains(failures, vacuous, verdict):
    r = result(_ctx(), 3, "scrubbing", "s", 0.5, 0.9, failures, "m", explains=["L1H0"], vacuous=vacuous)
    assert (r.verdict, r.passed) == (verdict, verdict == "pass")
    assert r.explains == (["L1H0"] if verdict == "pass" else [])
    assert (r.index, r.n, r.failures) == (3, 50, failures)


def test_a_row_metric_of_a_block_is_the_whole_metric_at_those_rows():
    import torch

    from harness.grading.context import RowMetric
    from harness.puzzle.declaration import TaskSpec

    task = TaskSpec(metric="cross_entropy", positions=(1, 3), description="")
    targets = torch.tensor([[-1, 1, 2], [-1, 0, 0], [-1, 2, 1], [-1, 1, 1], [-1, 0, 2]])
    batch = {"tokens": torch.zeros(5, 3, dtype=torch.long), "targets": targets}
    logits = torch.randn(5, 3, 4, generator=torch.Generator().manual_seed(0))
    whole = RowMetric(task, batch, None)(logits)
    assert whole.shape == (5,)
    head = RowMetric(task, batch, None, 0, 4)  # the first 4 rows (a screening sample)
    torch.testing.assert_close(head(logits[:4]), whole[:4])
    torch.testing.assert_close(head.rows(slice(2, 10))(logits[2:4]), whole[2:4])  # clipped at the head's end
    torch.testing.assert_close(RowMetric(task, batch, None, 1).rows(slice(1, 3))(logits[2:4]), whole[2:4])
