"""Interventions as edits (harness/grading/edits.py): an edit that touches nothing leaves the logits as they are,
one that touches a unit changes only what it should, and each edit hooks the points its docstring names."""

from __future__ import annotations

import pytest
import torch

import harness
from harness.grading.edits import Path, Pattern, Project, Replace, residual_write, select
from harness.grading.sample import Sample
from harness.puzzle.components import Component

L0H0, L1H0 = Component("head", 0, 0), Component("head", 1, 0)
NOWHERE, EVERYWHERE = torch.zeros(10, dtype=torch.bool), torch.ones(10, dtype=torch.bool)


@pytest.fixture(scope="module")
def sample():
    """8 rows of rederive_position (2 layers of one head, 10 positions) with the clean outputs of both heads."""
    puzzle = harness.load_puzzle("rederive_position")
    tokens = puzzle.tensors(puzzle.generate(8, 99))["tokens"]
    return Sample(puzzle.model, tokens, {L0H0.hook, L1H0.hook, "blocks.1.attn.hook_pattern"})


def logits(sample, *edits):
    return sample.run([list(edits)], lambda x: x.clone())[0]


def test_edits_that_touch_nothing_leave_the_logits_identical(sample):
    clean = sample.clean_logits
    zeros = torch.zeros_like(sample.activation(L0H0))
    basis = torch.eye(sample.activation(L0H0).shape[-1])[:4]
    for edit in [Replace(L0H0, NOWHERE, zeros),
                 Replace(L0H0, EVERYWHERE, sample.activation(L0H0)),  # replaced by what it already is
                 Project(L1H0, EVERYWHERE, basis, sample.activation(L1H0), inside=True),
                 Project(L1H0, NOWHERE, basis, zeros, inside=False),
                 Pattern(1, 0, torch.zeros(8, 10, dtype=torch.bool), torch.zeros(8, 10, 10)),
                 Path(sample.model, L0H0, NOWHERE, zeros, Component("head", 1, 0, input="qk"), "only")]:
        torch.testing.assert_close(logits(sample, edit), clean, rtol=1e-5, atol=1e-5, msg=type(edit).__name__)


def test_replacing_a_head_changes_the_logits_only_where_it_can_reach(sample):
    zeros = torch.zeros_like(sample.activation(L1H0))
    at_three = torch.zeros(10, dtype=torch.bool)
    at_three[3] = True
    edited = logits(sample, Replace(L1H0, at_three, zeros))  # a last-layer head writes only its own position
    changed = (edited - sample.clean_logits).abs().amax(-1) > 1e-4
    assert changed[:, 3].all() and not changed[:, :3].any() and not changed[:, 4:].any()


def test_a_path_to_every_input_of_the_only_reader_equals_removing_the_source_for_it(sample):
    """L0H0's readers are L1H0 (q, k, v) and the logits: ablated for L1H0 only, or for every reader but the
    logits ("except"), the two edits are the same intervention."""
    ablated = torch.zeros_like(sample.activation(L0H0))
    qkv = Component("head", 1, 0, input="qkv")
    only = logits(sample, Path(sample.model, L0H0, EVERYWHERE, ablated, qkv, "only"))
    except_logits = logits(sample, Path(sample.model, L0H0, EVERYWHERE, ablated, "logits", "except"))
    torch.testing.assert_close(only, except_logits, rtol=1e-4, atol=1e-4)
    assert not torch.allclose(only, sample.clean_logits, atol=1e-3)  # and it is an intervention


def test_path_edits_into_the_same_reader_compose(sample):
    """Two path edits of one variant feeding the same reader (as in the joint test) add up: L0H0 ablated for L1H0 at
    positions A by one edit and at B by another is L0H0 ablated for it at A and B by one. (Before, the second
    reader recomputation dropped the first edit's change.)"""
    ablated = torch.zeros_like(sample.activation(L0H0))
    qkv = Component("head", 1, 0, input="qkv")
    first, second = torch.zeros(10, dtype=torch.bool), torch.zeros(10, dtype=torch.bool)
    first[:5], second[5:] = True, True
    together = logits(sample, Path(sample.model, L0H0, EVERYWHERE, ablated, qkv, "only"))
    composed = logits(sample, Path(sample.model, L0H0, first, ablated, qkv, "only"),
                      Path(sample.model, L0H0, second, ablated, qkv, "only"))
    torch.testing.assert_close(composed, together, rtol=1e-4, atol=1e-4)
    alone = logits(sample, Path(sample.model, L0H0, second, ablated, qkv, "only"))
    assert not torch.allclose(alone, together, atol=1e-3)  # each part matters (else this could not fail)


def test_a_path_to_several_readers_is_the_complement_of_a_path_to_the_rest(sample):
    """L0H0's readers are L1H0's q, k, v and the logits. Kept for (L1H0.qk, logits) — ablated for every other
    reader — is ablated for L1H0.v alone; and ablated for (L1H0.q, L1H0.v) is the two single paths composed."""
    ablated = torch.zeros_like(sample.activation(L0H0))
    qk, v, q = (Component("head", 1, 0, input=i) for i in ("qk", "v", "q"))
    kept = logits(sample, Path(sample.model, L0H0, EVERYWHERE, ablated, (qk, "logits"), "except"))
    only_v = logits(sample, Path(sample.model, L0H0, EVERYWHERE, ablated, v, "only"))
    torch.testing.assert_close(kept, only_v, rtol=1e-4, atol=1e-4)
    assert not torch.allclose(only_v, sample.clean_logits, atol=1e-3)
    both = logits(sample, Path(sample.model, L0H0, EVERYWHERE, ablated, (q, v), "only"))
    composed = logits(sample, Path(sample.model, L0H0, EVERYWHERE, ablated, q, "only"),
                      Path(sample.model, L0H0, EVERYWHERE, ablated, v, "only"))
    torch.testing.assert_close(both, composed, rtol=1e-4, atol=1e-4)
    assert not torch.allclose(both, only_v, atol=1e-3)


def test_select_residual_write_and_hook_names(sample):
    z = sample.clean[L1H0.hook]
    assert torch.equal(select(L1H0, z), z[:, :, 0]) and select(Component("embed"), z) is z
    write = residual_write(sample.model, L1H0, select(L1H0, z))
    assert write.shape == (*z.shape[:2], sample.model.cfg.d_model)
    assert residual_write(sample.model, Component("mlp", 0), z) is z
    assert Replace(L1H0, NOWHERE, z).hooks() == ["blocks.1.attn.hook_z"]
    assert Pattern(1, 0, NOWHERE, z).hooks() == ["blocks.1.attn.hook_pattern"]
    path = Path(sample.model, L0H0, NOWHERE, z, Component("head", 1, 0, input="qk"), "only")
    assert path.hooks() == ["blocks.0.attn.hook_z", "blocks.1.ln1.hook_in", "blocks.1.attn.hook_q",
                            "blocks.1.attn.hook_k"]
    assert Path(sample.model, L0H0, NOWHERE, z, "logits", "only").hooks() == ["blocks.0.attn.hook_z",
                                                                               "ln_final.hook_in"]


def test_every_edit_kind_gives_the_same_logits_when_a_pass_is_split_by_rows(sample, monkeypatch):
    """A variant larger than MAX_TOKENS_PER_PASS runs in row blocks: each edit's per-row tensors are sliced with
    the rows (and a [pos] mask is not); the logits equal one whole pass, for every kind of edit at once."""
    import harness.grading.sample as sample_module

    gen = torch.Generator().manual_seed(5)
    rows, d = sample.activation(L0H0).shape[0], sample.activation(L0H0).shape[-1]
    noise = lambda comp: torch.randn(sample.activation(comp).shape, generator=gen)  # noqa: E731
    some = torch.rand(10, generator=gen) < 0.5
    basis = torch.linalg.qr(torch.randn(d, 3, generator=gen))[0].T
    pattern = torch.softmax(torch.randn(rows, 10, 10, generator=gen), -1)
    variants = [[Replace(L0H0, torch.rand(rows, 10, generator=gen) < 0.5, noise(L0H0)),
                 Project(L1H0, some, basis, noise(L1H0), inside=True)],
                [Pattern(1, 0, torch.rand(rows, 10, generator=gen) < 0.5, pattern),
                 Path(sample.model, L0H0, some, noise(L0H0), Component("head", 1, 0, input="k"), "only")],
                [Replace(L1H0, some, noise(L1H0)), Path(sample.model, L0H0, some, noise(L0H0), "logits", "except")]]
    whole = sample.run(variants, lambda x: x.clone())
    monkeypatch.setattr(sample_module, "MAX_TOKENS_PER_PASS", 3 * 10)  # blocks of 3, 3 and 2 rows
    blocks = sample.run(variants, lambda x: x.clone())
    for v, (a, b) in enumerate(zip(whole, blocks)):
        assert not torch.allclose(a, sample.clean_logits, atol=1e-3), f"variant {v} changes nothing"
        torch.testing.assert_close(b, a, rtol=1e-5, atol=1e-5, msg=f"variant {v}")
