"""The trimmed forward (harness/grading/forward.py): under every kind of edit, at every hook it calls, it gives the
bridge's logits at the read positions and NaN elsewhere; it applies only where it is exact and worth it; a grade
with it equals the grade without it."""

from __future__ import annotations

from pathlib import Path as FilePath

import pytest
import torch

import harness.grading.forward as forward
import harness.grading.sample
from harness import grade
from harness.grading.edits import Path, Pattern, Project, Replace
from harness.grading.sample import Sample
from harness.puzzle.components import Component

REFERENCE = FilePath(__file__).resolve().parents[2] / "solutions" / "reference"


def components(cfg) -> list[Component]:
    """The embeddings, head 0 of every layer and, where there are MLPs, every MLP."""
    heads = [Component("head", layer, 0) for layer in range(cfg.n_layers)]
    mlps = [] if cfg.attn_only else [Component("mlp", layer) for layer in range(cfg.n_layers)]
    return [Component("embed"), Component("pos_embed")] + heads + mlps


def edits_everywhere(puzzle, sample: Sample) -> list[list]:
    """One variant per kind of edit at each place it can hook: every layer's head and MLP, pattern, subspace, and
    path edits reading q, k, v, an MLP and the logits — in the last (trimmed) layer and below it."""
    cfg = puzzle.model.cfg
    n_ctx, last = sample.tokens.shape[1], cfg.n_layers - 1
    every = torch.ones(n_ctx, dtype=torch.bool)
    gen = torch.Generator().manual_seed(0)

    def abl(c):
        return sample.ablated(c, "resample", gen)

    comps = components(cfg)
    variants = [[Replace(c, every, abl(c))] for c in comps]
    variants.append([Replace(c, torch.rand(len(sample), n_ctx, generator=gen) < 0.5, abl(c)) for c in comps])
    pattern = torch.softmax(torch.randn(len(sample), n_ctx, n_ctx, generator=gen), -1).tril()
    variants.append([Pattern(last, 0, torch.ones(len(sample), n_ctx, dtype=torch.bool), pattern)])
    head = Component("head", last, 0)
    basis = torch.linalg.qr(torch.randn(cfg.d_head, 3, generator=gen))[0].T
    variants.append([Project(head, every, basis, abl(head), inside=True)])
    readers = [Component("head", last, 0, input=i) for i in ("q", "k", "v", "qk")] + ["logits"]
    if not cfg.attn_only:
        readers.append(Component("mlp", last))
    for source in [Component("embed")] + ([Component("head", 0, 0)] if last else []):
        for target in readers:
            for mode in ("only", "except"):
                variants.append([Path(puzzle.model, source, every, abl(source), target, mode)])
    return variants


@pytest.mark.parametrize("name", ["opposite_adjective_toy", "sort_fixed_len_list", "majority_element"])
def test_every_edit_gives_the_bridges_logits_at_the_read_positions(shipped, monkeypatch, name):
    puzzle = shipped(name)
    tokens = puzzle.tensors(puzzle.generate(12, 5))["tokens"]
    n_ctx = tokens.shape[1]
    read = torch.zeros(n_ctx, dtype=torch.bool)
    read[[n_ctx - 1, n_ctx // 2]] = True
    hooks = {c.hook for c in components(puzzle.model.cfg)}
    trimmed = Sample(puzzle.model, tokens, hooks, read=read)
    bridge = Sample(puzzle.model, tokens, hooks)
    assert trimmed.trimmed is not None and bridge.trimmed is None
    variants = edits_everywhere(puzzle, bridge)
    assert all({h for e in v for h in e.hooks()} <= trimmed.trimmed.hooks for v in variants)  # all run trimmed
    theirs = bridge.run(variants, lambda x: x)
    stacked = trimmed.run(variants, lambda x: x)  # one pass: it starts at the embeddings
    alone = [trimmed.run([v], lambda x: x)[0] for v in variants]  # each from the first layer it edits
    monkeypatch.setattr(harness.grading.sample, "MAX_TOKENS_PER_PASS", 5 * n_ctx)  # in row blocks of 5, 5 and 2
    blocks = [trimmed.run([v], lambda x: x)[0] for v in variants]
    starts = [trimmed.trimmed.start({h for e in v for h in e.hooks()}) for v in variants]
    assert (max(starts) > 0) == (puzzle.model.cfg.n_layers > 1)
    for v, (a, c, d, b) in enumerate(zip(stacked, alone, blocks, theirs)):
        scale = float(b[:, read].abs().max())  # float noise grows with the logits (up to ~200 here)
        for mine in (a, c, d):
            torch.testing.assert_close(mine[:, read], b[:, read], rtol=1e-5, atol=1e-5 * scale, msg=f"variant {v}")
            assert mine[:, ~read].isnan().all()
    # the edits change the logits at the read positions (else this test could not fail)
    moved = [not torch.allclose(b[:, read], bridge.clean_logits[:, read], atol=1e-3) for b in theirs]
    assert sum(moved) >= len(variants) - 4, moved


def test_the_embedding_sum_mlp_gives_its_own_logits_at_the_read_position(shipped):
    puzzle = shipped("modular_addition_mlp")
    tokens = puzzle.tensors(puzzle.generate(16, 5))["tokens"]
    read = torch.tensor([False, True])
    comps = [Component("embed"), Component("mlp", 0)]
    trimmed = Sample(puzzle.model, tokens, {c.hook for c in comps}, read=read)
    plain = Sample(puzzle.model, tokens, {c.hook for c in comps})
    assert trimmed.trimmed is not None
    gen = torch.Generator().manual_seed(0)
    every = torch.ones(2, dtype=torch.bool)
    abl = {c: plain.ablated(c, "resample", gen) for c in comps}
    basis = torch.linalg.qr(torch.randn(puzzle.model.cfg.d_model, 4, generator=gen))[0].T
    variants = [[Replace(c, every, abl[c])] for c in comps] + [
        [Replace(c, torch.rand(16, 2, generator=gen) < 0.5, abl[c]) for c in comps],
        [Project(comps[0], every, basis, abl[comps[0]], inside=True)],
        [Project(comps[0], every, basis, abl[comps[0]], inside=False)]]
    mine, theirs = trimmed.run(variants, lambda x: x), plain.run(variants, lambda x: x)
    for v, (a, b) in enumerate(zip(mine, theirs)):
        torch.testing.assert_close(a[:, read], b[:, read], rtol=1e-5, atol=1e-5, msg=f"variant {v}")
        assert a[:, ~read].isnan().all() and not torch.allclose(b[:, read], plain.clean_logits[:, read], atol=1e-3)


def test_it_applies_only_where_it_is_exact_and_worth_it(shipped, monkeypatch):
    puzzle = shipped("majority_element")
    tokens = puzzle.tensors(puzzle.generate(8, 5))["tokens"]
    n_ctx = tokens.shape[1]
    one = torch.zeros(n_ctx, dtype=torch.bool)
    one[-1] = True
    logits = puzzle.model(tokens)
    assert forward.Trimmed.of(puzzle.model, one, tokens, logits) is not None
    assert forward.Trimmed.of(puzzle.model, None, tokens, logits) is None  # every position read
    assert forward.Trimmed.of(puzzle.model, torch.arange(n_ctx) > 2, tokens, logits) is None  # most positions read
    assert forward.Trimmed.of(puzzle.model, one, tokens, logits + 1e-2) is None  # not the bridge's logits
    assert forward.supports(shipped("modular_addition_mlp").model)  # the embedding-sum MLP
    assert not forward.supports(shipped("bigram_0l").model)  # one position read of each: nothing to trim
    monkeypatch.setattr(puzzle.model.cfg, "positional_embedding_type", "rotary")
    assert not forward.supports(puzzle.model)


def test_a_hook_it_does_not_call_runs_through_the_bridge(shipped):
    puzzle = shipped("majority_element")
    tokens = puzzle.tensors(puzzle.generate(8, 5))["tokens"]
    read = torch.zeros(tokens.shape[1], dtype=torch.bool)
    read[-1] = True
    sample = Sample(puzzle.model, tokens, {"blocks.0.hook_resid_pre"}, read=read)

    class ResidEdit(Replace):
        def hooks(self):
            return ["blocks.0.hook_resid_pre"]

        def apply(self, name, activation, state):
            return activation * 0

    (logits,) = sample.run([[ResidEdit(Component("embed"), read, torch.zeros(0))]], lambda x: x)
    assert not logits.isnan().any()  # the bridge's full logits


@pytest.mark.parametrize("name", ["majority_element", "induction_2l", "opposite_adjective_toy"])
def test_a_grade_is_the_same_with_and_without_it(shipped, monkeypatch, name):
    puzzle = shipped(name)
    trimmed = grade(REFERENCE / f"{name}.py", puzzle=puzzle, n=64)
    monkeypatch.setattr(forward, "supports", lambda model: False)
    bridge = grade(REFERENCE / f"{name}.py", puzzle=puzzle, n=64)
    assert [c.value for c in trimmed.claims] == pytest.approx([c.value for c in bridge.claims], abs=1e-6)
    assert (trimmed.solved, trimmed.failures) == (bridge.solved, bridge.failures)
