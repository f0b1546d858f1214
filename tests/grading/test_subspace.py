"""Subspace claims (harness/grading/subspace.py): a span that carries the output passes and a random one of its size
fails, a span too large or of a component without effect earns nothing, the basis is checked, and a span alone
explains nothing; the basis is orthonormalised to its rank, and random baselines are orthonormal spans."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch

from harness.grading import grade
from harness.grading.subspace import orthonormal, random_bases
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
