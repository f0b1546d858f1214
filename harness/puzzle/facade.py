"""The Puzzle object a solver works with: model, data and task evaluation behind one small API."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

import warnings

import numpy as np
import torch
from torch import nn

# TransformerLens imports tqdm.auto, which in Jupyter without ipywidgets warns that it falls back to text bars: noise
warnings.filterwarnings("ignore", message="IProgress not found", module="tqdm")

from ..errors import PuzzleError
from .data import (as_dataset, call_generator, data_module, load_hook, reference_function, to_tensors, tokenize_prompts,
                   validate_columns)
from .declaration import Declaration
from .metrics import task_mask, task_scores
from .models import load_checkpoint, load_pretrained
from .registry import REPO_ROOT, list_puzzles, load_declaration_by_name, puzzles_dir  # noqa: F401 (re-exported)

class Puzzle:
    """One puzzle: `.model`, `.generate(n, seed)`, `.evaluate(n=..., seed=...)` and its `.declaration`."""

    def __init__(self, declaration: Declaration, model: nn.Module) -> None:
        self.declaration = declaration
        self.model = model

    # --- identity -------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.declaration.name

    @property
    def version(self) -> int:
        return self.declaration.version

    @property
    def folder(self) -> Path:
        return self.declaration.folder

    @cached_property
    def statement(self) -> str:
        """The problem statement (the puzzle's README.md)."""
        readme = self.folder / "README.md"
        return readme.read_text(encoding="utf-8") if readme.is_file() else self.declaration.summary

    @property
    def d_vocab(self) -> int:
        return int(self.model.cfg.d_vocab)

    @property
    def n_params(self) -> int:
        return sum(p.numel() for p in self.model.parameters())

    @property
    def device(self) -> torch.device:
        """Where the model's weights are (`load_puzzle(..., device=...)` or `.to(device)`)."""
        return next(self.model.parameters()).device

    def to(self, device: str | torch.device) -> "Puzzle":
        """Move the model to `device` (e.g. "cuda"); data, scores and grading bookkeeping stay on the CPU."""
        try:
            quiet = {"print_details": False} if hasattr(self.model, "boot_native") else {}  # the bridge prints
            self.model.to(torch.device(device), **quiet)
        except (RuntimeError, AssertionError, TypeError) as exc:
            raise PuzzleError(f"{self.name}: cannot run the model on device {str(device)!r} ({exc}). Use \"cpu\" or a "
                              "device this torch build has (torch.cuda.is_available() says whether CUDA is usable)."
                              ) from None
        return self

    # --- data -----------------------------------------------------------------------------
    def generate(self, n: int | None = None, seed: int | None = None, split: str = "eval") -> Any:
        """A datasets.Dataset of `n` rows (default: eval_size) drawn with `seed` (default: first eval seed)."""
        return as_dataset(self._generated(n, seed, split)[0])

    def columns(self, n: int | None = None, seed: int | None = None, split: str = "eval") -> dict[str, np.ndarray]:
        """The rows `generate` draws, as checked numpy columns (no Dataset: what the grader and `tensors` use)."""
        return self._generated(n, seed, split)[1]

    def batch(self, n: int | None = None, seed: int | None = None, split: str = "eval") -> dict[str, torch.Tensor]:
        """The rows `columns` draws, as tensors (checked once: what the grader and `evaluate` run on)."""
        return to_tensors(self.columns(n, seed, split))

    def _generated(self, n: int | None, seed: int | None, split: str) -> tuple[Any, dict[str, np.ndarray]]:
        """The generator's output as it returned it (prompts tokenized) and as checked numpy columns."""
        data = self.declaration.data
        n = data.eval_size if n is None else n
        seed = data.eval_seeds[0] if seed is None else seed
        ds = call_generator(self.declaration, n, seed, split)
        if self.declaration.task.metric == "logit_diff" and "tokens" not in (ds.column_names if hasattr(ds, "column_names") else ds):
            ds = tokenize_prompts(self.declaration, ds, self.model.tokenizer)
        return ds, validate_columns(self.declaration, ds, n, self.d_vocab)

    @property
    def exhaustive(self) -> bool:
        """Whether the task's inputs are enumerated (`[data] inputs`): evaluation and grading use all of them."""
        return self.declaration.data.inputs is not None

    @cached_property
    def inputs(self) -> Any:
        """Every evaluation input, as a Dataset (exhaustive puzzles only)."""
        decl = self.declaration
        if decl.data.inputs is None:
            raise PuzzleError(f"{self.name} does not enumerate its inputs ([data] inputs is not set); use generate().")
        ds = as_dataset(load_hook(decl, decl.data.inputs, "data.inputs")())
        validate_columns(decl, ds, len(ds), self.d_vocab)
        return ds

    def to_str_tokens(self, tokens: Any) -> list:
        """Token ids (a list, array or tensor; one sequence or a batch) as strings: the puzzle's own names where
        its data module gives them (`VOCAB`, `TOKEN_NAMES`), the tokenizer's for a pretrained model, else the id."""
        ids = np.asarray(tokens.detach().cpu() if isinstance(tokens, torch.Tensor) else tokens)
        name = self._token_namer
        return [name(int(i)) for i in ids] if ids.ndim == 1 else [[name(int(i)) for i in row] for row in ids]

    def to_string(self, tokens: Any) -> str:
        """One sequence as text: characters joined as they are, other tokens separated by spaces."""
        parts = self.to_str_tokens(tokens)
        return ("" if self._characters else " ").join(parts)

    @cached_property
    def _data_module(self) -> Any:
        return data_module(self.declaration)

    @cached_property
    def _characters(self) -> bool:
        return isinstance(getattr(self._data_module, "VOCAB", None), str) or getattr(self.model, "tokenizer", None) is not None

    @cached_property
    def _token_namer(self):
        tokenizer = getattr(self.model, "tokenizer", None)
        if tokenizer is not None:
            return lambda i: tokenizer.decode([i])
        vocab = getattr(self._data_module, "VOCAB", None)
        names = dict(getattr(self._data_module, "TOKEN_NAMES", {}))
        return lambda i: names.get(i) or (vocab[i] if vocab is not None and 0 <= i < len(vocab) else str(i))

    def attention(self, tokens: Any, layer: int | None = None, head: int | None = None):
        """The attention patterns on one input as a grid per head (HTML in Jupyter); see harness.puzzle.view."""
        from .view import attention_view

        return attention_view(self, tokens, layer, head)

    def dev_sample(self) -> Any:
        """The public dev sample (fixed seed, disjoint from training and grading seeds)."""
        return self.generate(self.declaration.data.dev_size, self.declaration.data.dev_seed)

    def tensors(self, ds: Any) -> dict[str, torch.Tensor]:
        """The numeric columns of a dataset (or of `columns`' mapping) as tensors, checked against the declaration."""
        rows = len(ds) if hasattr(ds, "column_names") else len(next(iter(ds.values()), ()))
        return to_tensors(validate_columns(self.declaration, ds, rows, self.d_vocab))

    @cached_property
    def reference(self):
        """The task's reference distribution function (kl_to_reference tasks), else None."""
        return reference_function(self.declaration)

    # --- running --------------------------------------------------------------------------
    @torch.no_grad()
    def logits(self, tokens: torch.Tensor, batch_size: int = 512) -> torch.Tensor:
        """Model logits for a token tensor, in chunks to bound memory, run on the model's device and returned on
        the CPU (where `score` and the batch live)."""
        self.model.eval()
        device = self.device
        return torch.cat([self.model(tokens[i: i + batch_size].to(device)).cpu()
                          for i in range(0, len(tokens), batch_size)])

    def score(self, logits: torch.Tensor, batch: dict[str, torch.Tensor]) -> dict[str, Any]:
        """Task scores of given logits (e.g. after an intervention) on a batch (no gradient is kept)."""
        return task_scores(self.declaration.task, logits.detach().cpu(), batch, self.reference)

    def evaluate(self, n: int | None = None, seed: int | None = None, split: str = "eval") -> dict[str, Any]:
        """Loss, accuracy and the task's own scores on a fresh sample."""
        data = self.declaration.data
        seed = data.eval_seeds[0] if seed is None else seed
        if split == "eval" and seed >= data.train_seed:
            raise PuzzleError(f"{self.name}: seed {seed} lies in the training range (>= {data.train_seed}); "
                              f"evaluate on a seed in {list(data.eval_seeds)} instead.")
        every = self.exhaustive and n is None and split == "eval"
        batch = self.tensors(self.inputs) if every else self.batch(n, seed, split)
        logits = self.logits(batch["tokens"])
        scores = self.score(logits, batch)
        out = {"puzzle": self.name, "version": self.version, "n": len(batch["tokens"]), "seed": None if every else seed, **scores}
        if every:  # not a sample: every input, and how many of them the model gets wrong
            out.update(exhaustive=True, wrong_inputs=wrong_inputs(self.declaration.task, logits, batch))
        return out

    # --- display --------------------------------------------------------------------------
    def __repr__(self) -> str:
        cfg = self.model.cfg
        return (f"Puzzle({self.name!r}, v{self.version}, {self.declaration.difficulty}, layers={cfg.n_layers}, "
                f"heads={getattr(cfg, 'n_heads', 0)}, d_model={cfg.d_model}, params={self.n_params:,})")

    def _repr_markdown_(self) -> str:
        return f"**{self.name}** (v{self.version}, {self.declaration.difficulty}): {self.declaration.summary}\n\n`{self!r}`"


def wrong_inputs(task, logits: torch.Tensor, batch: dict[str, torch.Tensor]) -> int:
    """Inputs (rows) with at least one task position where the model's top token is not the target."""
    if "targets" not in batch:
        return 0
    wrong = (logits.argmax(-1) != batch["targets"]) & task_mask(task, batch)
    return int(wrong.any(-1).sum())


def load_puzzle(name: str, *, checkpoint: Path | str | None = None, model_source: str | Path | None = None,
                root: Path | None = None, device: str | torch.device | None = None) -> Puzzle:
    """Load a puzzle with its model in eval mode.

    checkpoint: grade another checkpoint of the same architecture instead of the shipped one (safetensors or
        torch.save; the bridge's own or a HookedTransformer state dict, see harness.puzzle.checkpoint_formats).
    model_source: for pretrained puzzles, a local folder (or hub name) to load instead of the declared model.
    device: where the model runs (e.g. "cuda"; default the CPU). Data, scores and the grader's bookkeeping stay on
        the CPU; only forward passes run on the device.
    """
    decl = load_declaration_by_name(name, root)
    if decl.model.kind == "pretrained":
        model = load_pretrained(decl, model_source)
    else:
        model = load_checkpoint(decl, Path(checkpoint) if checkpoint else None)
    puzzle = Puzzle(decl, model)
    return puzzle.to(device) if device is not None else puzzle
