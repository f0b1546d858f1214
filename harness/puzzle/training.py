"""Reproduce a puzzle's checkpoint from the training recipe in its declaration."""

from __future__ import annotations

import fnmatch
import math
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator

import torch
from torch import nn

from ..errors import PuzzleError
from .data import call_generator, reference_function, to_tensors, validate_columns
from .declaration import Declaration
from .metrics import task_loss
from .models import build_model

CHUNK_STEPS = 50  # batches drawn from the generator per call
SEEDS_PER_RUN = 1_000_000  # training seed s draws data seeds train_seed + s * SEEDS_PER_RUN + chunk


@dataclass
class TrainingRun:
    model: nn.Module  # the trained model, in eval mode
    seed: int  # recipe seed used
    steps: int  # optimiser steps taken
    seconds: float  # wall-clock training time
    losses: list[float] = field(default_factory=list)  # training loss per step


def frozen_parameters(model: nn.Module, patterns: tuple[str, ...]) -> dict[str, nn.Parameter]:
    """Parameters whose state-dict name matches one of the glob patterns."""
    named = model.state_dict(keep_vars=True)
    return {k: v for k, v in named.items() if any(fnmatch.fnmatch(k, p) for p in patterns)}


def training_batches(decl: Declaration, seed: int, steps: int, batch_size: int, d_vocab: int) -> Iterator[dict[str, torch.Tensor]]:
    """`steps` batches from the generator's train split, from seeds disjoint from dev and grading seeds."""
    base = decl.data.train_seed + seed * SEEDS_PER_RUN
    for chunk in range(math.ceil(steps / CHUNK_STEPS)):
        n_batches = min(CHUNK_STEPS, steps - chunk * CHUNK_STEPS)
        ds = call_generator(decl, n_batches * batch_size, base + chunk, "train")
        tensors = to_tensors(validate_columns(decl, ds, n_batches * batch_size, d_vocab))
        for i in range(n_batches):
            yield {k: v[i * batch_size: (i + 1) * batch_size] for k, v in tensors.items()}


def lr_factor(step: int, steps: int, warmup: int, schedule: str) -> float:
    if warmup and step < warmup:
        return (step + 1) / warmup
    if schedule == "cosine":
        progress = (step - warmup) / max(1, steps - warmup)
        return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress))
    return 1.0


def train(decl: Declaration, seed: int | None = None, steps: int | None = None,
          on_step: Callable[[int, float], None] | None = None) -> TrainingRun:
    """Train a fresh model with the declared recipe (optionally another seed or fewer steps)."""
    recipe = decl.training
    if recipe is None:
        raise PuzzleError(f"{decl.path}: puzzle {decl.name!r} has no [training] recipe (its model is pretrained); "
                          "there is nothing to train.")
    seed = recipe.seed if seed is None else seed
    steps = recipe.steps if steps is None else steps
    if seed < 0 or steps < 1:
        raise PuzzleError(f"{decl.name}: training needs a seed >= 0 (negative seeds reach dev and evaluation data) "
                          f"and at least one step; got seed {seed}, steps {steps}.")
    torch.manual_seed(seed)
    model = build_model(decl, seed=seed)
    frozen = frozen_parameters(model, recipe.frozen_at_zero)
    with torch.no_grad():
        for tensor in frozen.values():
            tensor.zero_()
            tensor.requires_grad_(False)
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=recipe.lr, betas=recipe.betas, weight_decay=recipe.weight_decay)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: lr_factor(s, steps, recipe.warmup_steps, recipe.schedule))
    reference = reference_function(decl)
    model.train()
    losses: list[float] = []
    start = time.perf_counter()
    for step, batch in enumerate(training_batches(decl, seed, steps, recipe.batch_size, model.cfg.d_vocab)):
        loss = task_loss(decl.task, model(batch["tokens"]), batch, reference)
        loss.backward()
        if recipe.grad_clip is not None:
            torch.nn.utils.clip_grad_norm_(trainable, recipe.grad_clip)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        schedule.step()
        losses.append(loss.item())
        if on_step:
            on_step(step, losses[-1])
    return TrainingRun(model=model.eval(), seed=seed, steps=steps, seconds=time.perf_counter() - start, losses=losses)
