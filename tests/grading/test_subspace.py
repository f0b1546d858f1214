"""Subspace claims (harness/grading/subspace.py): a span that carries the output passes and a random one of its size
fails, a span too large or of a component without effect earns nothing, the basis is checked, and a span alone
explains nothing; the basis is orthonormalised to its rank, and random baselines are orthonormal spans."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch

from harness.grading import grade
from harness.grading.subspace import orthonormal, random_bases, row_space
from harness.hypothesis import Circuit, Hypothesis, HypothesisError, Subspace
from helpers import CIRCUIT, RP


def _l1h0_pca(rp, k: int) -> np.ndarray:
    """The top-k principal directions of L1H0's output (its z) on a public dev sample."""
    import torch

    tokens = torch.tensor(np.asarray(rp.generate(256, rp.declaration.data.dev_seed)["tokens"]))
    _, cache = rp.model.run_with_cache(tokens)
    z = cache["blocks.1.attn.hook_z"][:, 1:, 0].reshape(-1, cache["blocks.1.attn.hook_z"].shape[-1]).numpy()
    return np.linalg.svd(z - z.mean(0), full_matrices=False)[2][:k]


def _previous_label(base, source_values):
    out = np.full(base.shape, -1)
    out[:, 1:] = source_values[:, :-1]
    return out


def test_a_subspace_that_carries_the_output_passes_and_a_random_one_of_its_size_fails(rp):
    basis = _l1h0_pca(rp, 32)
    found = Subspace("L1H0", basis, variable=lambda t: t, predict=_previous_label)
    rng = np.random.default_rng(0)
    random = Subspace("L1H0", rng.standard_normal(basis.shape))
    report = grade(Hypothesis(RP, [found, random]), puzzle=rp, n=64)
    ok, bad = report.claims
    assert ok.verdict == "pass", ok.message
    assert ok.details["excluded"] >= 0.8 and ok.details["interchange"] >= 0.9 and ok.explains == ["L1H0"]
    assert bad.verdict == "fail" and {"subspace.restricted", "subspace.baseline"} <= set(bad.failures), bad.message


def test_a_subspace_too_large_earns_nothing(rp):
    whole = grade(Hypothesis(RP, [Subspace("L1H0", np.eye(128)[:33])]), puzzle=rp, n=64).claims[0]
    assert whole.verdict == "vacuous" and whole.failures == ["subspace.size"] and whole.explains == []


def test_a_subspace_of_a_component_without_effect_earns_nothing(rp):
    # L0H0 at BOS attends only to BOS: its output there barely matters
    space_free = grade(Hypothesis(RP, [Subspace("L0H0[0]", np.eye(128)[:4])]), puzzle=rp, n=64).claims[0]
    assert space_free.verdict == "vacuous" and "subspace.untestable" in space_free.failures


def test_a_subspace_basis_is_checked(rp):
    from harness.hypothesis import HypothesisError

    for bad, words in [(np.ones(128), "[k, d]"), (np.full((2, 128), np.nan), "finite"), ("abc", "array of numbers"),
                       (np.ones((2, 64)), "64"), (np.zeros((2, 128)), "all zeros")]:
        with pytest.raises(HypothesisError, match=re.escape(words)):
            grade(Hypothesis(RP, [Subspace("L1H0", bad)]), puzzle=rp, n=16)
    with pytest.raises(HypothesisError, match="some of variable, predict"):
        grade(Hypothesis(RP, [Subspace("L1H0", np.eye(128)[:4], variable=lambda t: t)]), puzzle=rp, n=16)


def test_a_span_without_a_variable_explains_nothing(rp):
    """The top principal directions of any component pass restricted/excluded: the span alone earns no coverage."""
    basis = _l1h0_pca(rp, 32)
    report = grade(Hypothesis(RP, [Circuit(CIRCUIT), Subspace("L1H0", basis),
                                   Subspace("L1H0", basis, variable=lambda t: t, predict=lambda b, s: s)]),
                   puzzle=rp, n=64)
    bare, untestable = report.claims[1:]
    assert bare.verdict == "pass" and bare.explains == [] and "explains nothing" in bare.message
    assert untestable.explains == []  # a variable the span does not carry explains nothing either
    assert "L1H0" in report.unexplained


def test_the_basis_is_orthonormalised_to_its_rank_and_keeps_its_span():
    basis = np.array([[1.0, 1.0, 0.0, 0.0], [2.0, 2.0, 0.0, 0.0], [0.0, 1.0, 1.0, 0.0]])  # rank 2
    rows = orthonormal(basis, 0, 4, "L1H0")
    assert rows.shape == (2, 4) and rows.dtype == torch.float32
    torch.testing.assert_close(rows @ rows.T, torch.eye(2), atol=1e-6, rtol=0)
    projection = rows.T.double() @ rows.double()  # the projection on the span
    given = torch.tensor(basis)
    torch.testing.assert_close(given @ projection, given, atol=1e-5, rtol=0)  # every given row lies in the span
    assert float(torch.tensor([0.0, 0.0, 0.0, 1.0]).double() @ projection @ torch.tensor([0.0, 0.0, 0.0, 1.0]).double()) == pytest.approx(0.0, abs=1e-6)


def test_a_basis_of_the_wrong_width_or_all_zeros_is_refused():
    with pytest.raises(HypothesisError, match=re.escape("Subspace claim 2: the basis has rows of length 3, but L1H0's output has 4")):
        orthonormal(np.ones((1, 3)), 2, 4, "L1H0")
    with pytest.raises(HypothesisError, match="all zeros"):
        orthonormal(np.zeros((2, 4)), 0, 4, "L1H0")


def test_random_bases_are_orthonormal_distinct_and_reproducible():
    first = random_bases(np.random.default_rng(5), count=3, k=2, d=6)
    again = random_bases(np.random.default_rng(5), count=3, k=2, d=6)
    assert len(first) == 3 and all(b.shape == (2, 6) for b in first)
    for b in first:
        torch.testing.assert_close(b @ b.T, torch.eye(2), atol=1e-5, rtol=0)
    assert all(torch.equal(a, b) for a, b in zip(first, again))
    assert not torch.allclose(first[0], first[1])


# --- the features form: the grader fits the span from features of the input ----------------------------------------

ADD = "modular_addition_mlp"
KEY = [10, 50, 35, 21, 37, 54, 17, 7, 8, 38]  # the frequencies modular_addition_mlp's embedding uses
WRONG = [16, 20, 41, 6, 39, 52, 15, 5, 24, 48]  # the ten ranked just after them


def fourier(frequencies: list[int]):
    """cos and sin of 2π f x / 113 of the token x at each position, for each f: [batch, pos, 2 × frequencies]."""
    w = 2 * np.pi * np.asarray(frequencies) / 113
    return lambda tokens: np.concatenate([np.cos(tokens[..., None] * w), np.sin(tokens[..., None] * w)], -1)


def projector(rows) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.float64)
    return rows.T @ rows


@pytest.fixture(scope="module")
def addition_forms(shipped):
    """modular_addition_mlp's embedding claimed three ways in one grade — the key frequencies' span as the literal
    basis its reference used to carry (the Fourier components of W_E, read off the weights), as features of those
    frequencies, and as features of the wrong ones — with the span the grader fitted for each features claim."""
    import harness.grading.subspace as subspace

    puzzle = shipped(ADD)
    x = np.arange(113)
    waves = np.stack([g(2 * np.pi * f * x / 113) for f in KEY for g in (np.cos, np.sin)])
    basis = waves @ puzzle.model.embed.weight.detach().double().numpy()
    fitted, original = [], subspace.fitted_span

    def spy(*args, **kwargs):
        out = original(*args, **kwargs)
        fitted.append(out[0])
        return out

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(subspace, "fitted_span", spy)
        report = grade(Hypothesis(ADD, [Subspace("embed", basis), Subspace("embed", features=fourier(KEY)),
                                        Subspace("embed", features=fourier(WRONG))]), puzzle=puzzle)
    return basis, fitted, report


def test_features_of_the_key_frequencies_fit_the_span_the_literal_basis_gave(addition_forms):
    basis, fitted, report = addition_forms
    literal, features, _ = report.claims
    assert len(fitted) == 2 and tuple(fitted[0].shape) == (20, 128)
    assert np.abs(projector(fitted[0]) - projector(row_space(basis))).max() < 1e-5  # the same span
    assert literal.details["form"] == "basis" and "r2" not in literal.details
    assert features.details["form"] == "features" and features.details["k"] == 20 and features.details["f"] == 20
    assert 0.5 < features.details["r2"] < 1 and f"R² = {features.details['r2']:.3f}" in features.message
    assert "k = 20 dimensions" in features.message
    for key in ("restricted", "excluded"):
        assert abs(literal.details[key] - features.details[key]) < 1e-3, key
    assert literal.verdict == features.verdict == "pass", features.message


def test_features_of_the_wrong_frequencies_fail(addition_forms):
    _, fitted, report = addition_forms
    wrong = report.claims[2]
    overlap = np.trace(projector(fitted[1]) @ projector(fitted[0])) / 20  # mean squared cosine of their angles
    assert overlap < 0.1  # another span (0.04 here), of the same size
    assert wrong.details["k"] == 20 and wrong.verdict == "fail"
    assert {"subspace.restricted", "subspace.excluded"} <= set(wrong.failures), wrong.message


def _int_tokens(tokens):
    return tokens[..., None]


@pytest.mark.parametrize("features, words", [
    (lambda t: t.astype(float), "returned shape (16, 10) and dtype float64; return floats of shape [16, 10, f]"),
    (lambda t: np.zeros(t.shape + (0,)), "features returned shape (16, 10, 0)"),
    (lambda t: np.ones((len(t) + 1, t.shape[1], 2)), "features returned shape (17, 10, 2)"),
    (_int_tokens, "features returned shape (16, 10, 1) and dtype int64; return floats"),
    (lambda t: np.full(t.shape + (2,), np.nan), "values that are not finite"),
    (lambda t: np.ones(t.shape + (3,)), "its 3 feature(s) are constant over the source sample"),
])
def test_bad_features_are_a_sentence_naming_the_claim(rp, features, words):
    with pytest.raises(HypothesisError) as exc:
        grade(Hypothesis(RP, [Circuit(CIRCUIT), Subspace("L1H0", features=features)]), puzzle=rp, n=16)
    message = str(exc.value)
    assert message.startswith("Subspace claim 1: ") and words in message and message.endswith("."), message


def test_the_fit_uses_the_source_rows_only(rp):
    """The span depends on the source half of the grading sample alone: features that change on the graded rows
    change the fit's R² there, never the span; the same change on the source rows moves the span."""
    from harness.grading import Context, prepare_sample
    from harness.grading.context import positions_mask
    from harness.grading.subspace import fitted_span

    sample = prepare_sample(rp, 5, 64)
    graded, source = sample.batch["tokens"].numpy(), sample.source_batch["tokens"].numpy()
    assert not np.array_equal(graded, source)
    honest = fourier([1, 2, 3])  # 6 features: they explain some of the embedding (R² ≈ 0.08 on these rows)
    noise = np.random.default_rng(0).standard_normal(graded.shape + (6,))

    def fit(changed_on: np.ndarray | None):
        def features(tokens):
            return noise if changed_on is not None and np.array_equal(tokens, changed_on) else honest(tokens)
        ctx = Context(sample=sample, spec=rp.declaration.grading, ablation="mean",
                      call=lambda index, field, args: features(*args), task_metric="cross_entropy", d_vocab_out=0)
        comp = sample.space.parse("embed")
        d = int(sample.base.activation(comp).shape[-1])
        return fitted_span(ctx, 0, comp, positions_mask(sample.space.n_ctx, comp), d)

    (span, fit), (same_span, other_fit), (moved_span, _) = fit(None), fit(graded), fit(source)
    assert torch.equal(span, same_span) and fit["r2"] > 0.05 > 0 > other_fit["r2"]
    assert span.shape[0] == 6 and not (span.shape == moved_span.shape and torch.allclose(span, moved_span, atol=1e-3))
