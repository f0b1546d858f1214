"""Training from the declared recipe: a few steps work for every toy puzzle, frozen parameters stay zero."""

from __future__ import annotations

import math

import pytest
import torch

import harness
from harness import PuzzleError, load_declaration
from harness.puzzle.models import build_model
from harness.puzzle import puzzles_dir
from harness.puzzle.training import frozen_parameters, lr_factor, train

DECLS = {name: load_declaration(puzzles_dir() / name / "puzzle.toml") for name in harness.list_puzzles()}
TRAINABLE = [name for name, decl in DECLS.items() if decl.training is not None]


def test_every_toy_puzzle_has_a_recipe():
    assert set(TRAINABLE) == {name for name, decl in DECLS.items() if decl.model.kind != "pretrained"}
    assert {"bigram_0l", "previous_token_mlp", "rederive_position", "permutation_listing"} <= set(TRAINABLE)


@pytest.mark.parametrize("name", TRAINABLE)
def test_short_training_run(name):
    decl = DECLS[name]
    run = train(decl, steps=3)
    assert run.steps == 3 and run.seed == decl.training.seed
    assert len(run.losses) == 3 and all(math.isfinite(loss) for loss in run.losses)
    assert not run.model.training
    initial = build_model(decl, seed=decl.training.seed).state_dict()
    trained = run.model.state_dict()
    assert any(not torch.equal(initial[k], trained[k]) for k in initial), "three steps changed no weight"


def test_training_is_deterministic_and_seeded():
    decl = DECLS["bigram_0l"]
    first, again, other = train(decl, steps=3), train(decl, steps=3), train(decl, seed=1, steps=3)
    assert first.losses == again.losses
    assert torch.equal(first.model.embed.weight, again.model.embed.weight)
    assert not torch.equal(first.model.embed.weight, other.model.embed.weight)


def test_training_data_come_from_train_split_and_seeds(monkeypatch):
    decl = DECLS["bigram_0l"]
    calls = []
    original = harness.puzzle.training.call_generator

    def spy(decl_, n, seed, split):
        calls.append((seed, split))
        return original(decl_, n, seed, split)

    monkeypatch.setattr(harness.puzzle.training, "call_generator", spy)
    train(decl, steps=3)
    assert calls and all(split == "train" and seed >= decl.data.train_seed for seed, split in calls)


def test_frozen_at_zero_stays_exactly_zero():
    decl = DECLS["rederive_position"]
    assert "pos_embed.weight" in decl.training.frozen_at_zero
    run = train(decl, steps=3)
    frozen = frozen_parameters(run.model, decl.training.frozen_at_zero)
    assert "pos_embed.weight" in frozen and "blocks.0.attn.q.bias" in frozen and "blocks.1.attn.o.bias" in frozen
    for name, tensor in frozen.items():
        assert torch.count_nonzero(tensor) == 0, f"{name} moved away from zero"
    _, cache = run.model.run_with_cache(torch.randint(0, 100, (2, 10)))
    assert torch.count_nonzero(cache["hook_pos_embed"]) == 0
    initial = build_model(decl, seed=decl.training.seed).state_dict()
    assert torch.count_nonzero(initial["pos_embed.weight"]) > 0  # so the zeros above come from freezing
    assert not torch.equal(initial["embed.weight"], run.model.state_dict()["embed.weight"])


def test_pretrained_puzzle_has_nothing_to_train():
    with pytest.raises(PuzzleError, match="no \\[training\\] recipe"):
        train(DECLS["opposite_adjective_gpt2"], steps=1)


def test_lr_warmup_is_linear_then_constant():
    factors = [lr_factor(step, 100, 10, "constant") for step in range(100)]
    assert factors[:10] == pytest.approx([(s + 1) / 10 for s in range(10)])
    assert factors[10:] == [1.0] * 90


def test_lr_cosine_decays_to_ten_percent():
    steps, warmup = 100, 10
    factors = [lr_factor(step, steps, warmup, "cosine") for step in range(steps + 1)]
    assert factors[warmup] == pytest.approx(1.0)
    assert factors[(steps + warmup) // 2] == pytest.approx(0.55)
    assert factors[steps] == pytest.approx(0.1)
    assert all(a >= b for a, b in zip(factors[warmup:], factors[warmup + 1:]))
    assert lr_factor(0, steps, 0, "cosine") == pytest.approx(1.0)


def test_negative_seed_or_no_steps_is_refused():
    from harness.errors import PuzzleError
    from harness.puzzle import load_declaration_by_name
    from harness.puzzle.training import train

    decl = load_declaration_by_name("bigram_0l")
    with pytest.raises(PuzzleError, match="seed >= 0"):
        train(decl, seed=-1, steps=1)
    with pytest.raises(PuzzleError, match="at least one step"):
        train(decl, steps=0)
