"""A grading sample (harness/grading/sample.py): batched passes under edits equal one pass per variant, ablations
have the activation's shape and meaning, resampling never maps a row to itself, `head` shares the clean run."""

from __future__ import annotations

import pytest
import torch

import harness.grading.sample
from harness.grading.edits import Replace
from harness.grading.sample import ABLATIONS, Sample, other_rows
from harness.puzzle.components import Component


def test_intervener_batching_does_not_change_results(shipped, monkeypatch):
    puzzle = shipped("previous_token_mlp")
    tokens = puzzle.tensors(puzzle.generate(12, 123))["tokens"]
    batch, n_ctx = tokens.shape
    comps = [Component("embed"), Component("pos_embed"), Component("head", 0, 1), Component("head", 1, 3),
             Component("mlp", 0), Component("mlp", 1)]
    hooks = {c.hook for c in comps}
    inter = Sample(puzzle.model, tokens, hooks)
    gen = torch.Generator().manual_seed(0)
    variants: list[list[Replace]] = [[]]  # the first variant edits nothing
    for i in range(16):
        edits = []
        for j, comp in enumerate(comps):
            if (i + j) % 3 == 0:
                continue
            ablation = ("zero", "mean", "resample", "global_mean", "global_resample")[(i * 7 + j) % 5]
            mask = torch.rand(n_ctx, generator=gen) < 0.5 if i % 2 else torch.rand(batch, n_ctx, generator=gen) < 0.5
            edits.append(Replace(comp, mask, inter.ablated(comp, ablation, gen)))
        variants.append(edits)

    def run(max_tokens):
        monkeypatch.setattr(harness.grading.sample, "MAX_TOKENS_PER_PASS", max_tokens)
        return inter.run(variants, lambda logits: logits.clone())

    one_pass = run(10 ** 9)
    several = run(batch * n_ctx * 3)  # three variants per pass, the last pass partial
    one_each = run(batch * n_ctx)
    row_blocks = run(n_ctx * 5)  # five rows per pass: each variant split into blocks of 5, 5 and 2 rows
    single_rows = run(1)  # one row per pass
    assert len(one_pass) == len(several) == len(one_each) == len(row_blocks) == len(single_rows) == len(variants)
    torch.testing.assert_close(one_pass[0], inter.clean_logits, rtol=1e-5, atol=1e-5)
    for v, (a, b, c, d, e) in enumerate(zip(one_pass, several, one_each, row_blocks, single_rows)):
        for other in (a, b, d, e):
            torch.testing.assert_close(other, c, rtol=1e-5, atol=1e-5, msg=f"variant {v}")
    # the edits matter, and differ between variants (else this test could not fail)
    assert all(not torch.allclose(one_each[v], one_each[0], atol=1e-3) for v in range(1, len(variants)))
    assert not torch.allclose(one_each[1], one_each[2], atol=1e-3)


@pytest.mark.parametrize("n", [2, 3, 10, 101])
def test_other_rows_is_a_permutation_that_moves_every_row(n):
    for seed in range(5):
        perm = other_rows(n, torch.Generator().manual_seed(seed))
        assert sorted(perm.tolist()) == list(range(n))
        assert (perm != torch.arange(n)).all(), perm
    assert other_rows(1, torch.Generator()).tolist() == [0] and other_rows(0, torch.Generator()).tolist() == []


@pytest.fixture(scope="module")
def small():
    """A Sample of 8 rows of rederive_position (attention only, 10 positions)."""
    import harness

    puzzle = harness.load_puzzle("rederive_position")
    tokens = puzzle.tensors(puzzle.generate(8, 321))["tokens"]
    head = Component("head", 1, 0)
    return Sample(puzzle.model, tokens, {head.hook, "blocks.1.attn.hook_pattern"}), head


def test_every_ablation_has_the_activations_shape_and_its_meaning(small):
    sample, head = small
    act = sample.activation(head)
    out = {a: sample.ablated(head, a, torch.Generator().manual_seed(0)) for a in ABLATIONS}
    assert all(v.shape == act.shape for v in out.values())
    assert not out["zero"].any()
    torch.testing.assert_close(out["mean"][3], act.mean(0))  # per position
    torch.testing.assert_close(out["global_mean"][2, 7], act.mean((0, 1)))  # one vector everywhere
    rows = [next(r for r in range(len(act)) if torch.equal(out["resample"][i], act[r])) for i in range(len(act))]
    assert all(r != i for i, r in enumerate(rows))  # another row, same position
    with pytest.raises(ValueError, match="Unknown ablation 'median'"):
        sample.ablated(head, "median", torch.Generator())


def test_head_is_the_first_rows_sharing_the_clean_run(small, monkeypatch):
    sample, head = small
    monkeypatch.setattr(sample.model, "run_with_cache", lambda *a, **k: pytest.fail("head ran the model"))
    part = sample.head(3)
    assert len(part) == 3 and part.model is sample.model
    assert torch.equal(part.tokens, sample.tokens[:3]) and torch.equal(part.clean_logits, sample.clean_logits[:3])
    assert torch.equal(part.activation(head), sample.activation(head)[:3])
    assert part.pattern(1, 0).shape == (3, 10, 10)


def test_a_run_without_edits_gives_the_clean_logits(small):
    sample, _ = small
    (logits,) = sample.run([[]], lambda x: x.clone())
    torch.testing.assert_close(logits, sample.clean_logits, rtol=1e-5, atol=1e-5)


def test_global_resample_takes_every_unit_from_another_row(small):
    sample, head = small
    act = sample.activation(head)
    rows, n_ctx = act.shape[:2]
    flat = act.reshape(rows * n_ctx, -1)
    out = sample.ablated(head, "global_resample", torch.Generator().manual_seed(0)).reshape(rows * n_ctx, -1)
    sources = [[k for k in range(rows * n_ctx) if torch.equal(out[u], flat[k])] for u in range(rows * n_ctx)]
    known = [(u, s[0]) for u, s in enumerate(sources) if len(s) == 1]  # units whose source is unambiguous
    assert len(known) > rows * n_ctx // 2
    own_row = [u for u, k in known if k // n_ctx == u // n_ctx]
    assert not own_row, f"{len(own_row)} of {len(known)} units were resampled from their own row"


def test_a_row_wise_reduce_is_applied_block_by_block_with_the_same_result(shipped, monkeypatch):
    """A reduce with `.rows(part)` (the task metric) reduces each row block of a split pass instead of the
    concatenated logits; every per-row value is the one reducing the whole variant's logits gives."""
    from harness.grading.context import RowMetric

    puzzle = shipped("previous_token_mlp")
    batch = puzzle.tensors(puzzle.columns(12, 123))
    comp = Component("head", 0, 1)
    inter = Sample(puzzle.model, batch["tokens"], {comp.hook})
    gen = torch.Generator().manual_seed(0)
    variants = [[], [Replace(comp, torch.ones(batch["tokens"].shape[1], dtype=torch.bool),
                             inter.ablated(comp, "resample", gen))]]
    metric = RowMetric(puzzle.declaration.task, batch, None)
    whole = [metric(logits) for logits in inter.run(variants, lambda logits: logits)]
    seen: list[int] = []

    class Spy(RowMetric):
        def __call__(self, logits):
            seen.append(len(logits))
            return super().__call__(logits)

    monkeypatch.setattr(harness.grading.sample, "MAX_TOKENS_PER_PASS", batch["tokens"].shape[1] * 5)
    blocks = inter.run(variants, Spy(puzzle.declaration.task, batch, None))
    assert seen == [5, 5, 2] * 2  # each block reduced as it came, never the 12 rows at once
    for a, b in zip(whole, blocks):
        torch.testing.assert_close(a, b, rtol=1e-6, atol=1e-6)
    assert not torch.allclose(whole[0], whole[1])  # the edit matters (else this could not fail)


def test_passes_are_sized_by_the_widest_activation_per_token():
    from types import SimpleNamespace

    from harness.grading.sample import MAX_TOKENS_PER_PASS, MIN_TOKENS_PER_PASS, MAX_VALUES_PER_PASS, tokens_per_pass

    def model(**cfg):
        return SimpleNamespace(cfg=SimpleNamespace(**cfg))

    assert tokens_per_pass(model(d_model=32), 200) == MAX_TOKENS_PER_PASS  # narrow: the token cap
    assert tokens_per_pass(model(d_model=128, d_mlp=512), 113) == MAX_VALUES_PER_PASS // 512  # the MLP's neurons
    assert tokens_per_pass(model(d_model=768, d_mlp=3072), 50257) == MIN_TOKENS_PER_PASS  # a big vocabulary: the floor
    assert tokens_per_pass(object(), 64) == MAX_TOKENS_PER_PASS  # no config: the logits alone
