"""Puzzle data: import a puzzle's generator, call it, check what it returns, turn it into tensors.

A generator returns its columns as plain data — a mapping of column name to an array (or list) with one entry per
row — so a puzzle's data module needs neither torch nor datasets (a grading worker imports it in ~0.1 s). A
`datasets.Dataset` is accepted too. `Puzzle.generate` hands solvers a `datasets.Dataset` either way. A task's
reference function (`[task] reference`) maps a numpy token array to a numpy array of probabilities.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
from pathlib import Path
from collections.abc import Mapping
from typing import Any, Callable

import numpy as np

from ..errors import DeclarationError, a_type
from .declaration import Declaration

SPLITS = ("train", "eval")


def load_hook(decl: Declaration, ref: str, field: str) -> Callable[..., Any]:
    """Resolve "file.py:function" inside the puzzle folder to the function."""
    file_name, _, func_name = ref.partition(":")
    path = decl.folder / file_name
    if not func_name or not file_name.endswith(".py"):
        raise DeclarationError(decl.path, field, f"is {ref!r}, which is not of the form 'file.py:function'.",
                               'Write it as e.g. "data.py:generate".')
    if not path.is_file():
        raise DeclarationError(decl.path, field, f"names {file_name}, which does not exist in {decl.folder}.",
                               "Create the file or fix the name.")
    module_name = f"interp_puzzles_{decl.name}_{path.stem}"
    module = sys.modules.get(module_name)
    if module is None or getattr(module, "__file__", None) != str(path):
        spec = importlib.util.spec_from_file_location(module_name, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        try:
            spec.loader.exec_module(module)
        except Exception as exc:
            del sys.modules[module_name]
            raise DeclarationError(decl.path, field, f"could not be imported: {file_name} raised {exc!r}.",
                                   f"Fix the error in {path}.") from exc
    func = getattr(module, func_name, None)
    if not callable(func):
        raise DeclarationError(decl.path, field, f"names {func_name}, which {file_name} does not define.",
                               f"Define {func_name} in {path} or fix the name.")
    return func


def data_module(decl: Declaration) -> Any:
    """The puzzle's data module (the file its generator lives in), imported once."""
    return sys.modules[load_hook(decl, decl.data.generator, "data.generator").__module__]


def reference_function(decl: Declaration):
    """The task's reference (`[task] reference`) as tokens tensor -> probabilities tensor, or None. The puzzle's
    function itself works on numpy arrays (its data module imports no torch)."""
    if not decl.task.reference:
        return None
    import torch

    function = load_hook(decl, decl.task.reference, "task.reference")
    return lambda tokens: torch.as_tensor(np.asarray(function(tokens.detach().cpu().numpy())))


def as_dataset(data: Any) -> Any:
    """What a generator returned, as a datasets.Dataset (solvers get one from `Puzzle.generate`)."""
    import datasets

    return data if isinstance(data, datasets.Dataset) else datasets.Dataset.from_dict(dict(data))


def columns_of(decl: Declaration, data: Any) -> dict[str, np.ndarray]:
    """A generator's output (a mapping of columns or a datasets.Dataset) as numpy columns of equal length."""
    if hasattr(data, "with_format") and hasattr(data, "column_names"):  # a datasets.Dataset
        if not len(data):
            return {c: np.zeros((0, 0), dtype=np.int64) for c in data.column_names}
        return dict(data.with_format("numpy")[:])
    if not isinstance(data, Mapping):
        raise _fail(decl, f"returned {a_type(data)}, not a mapping of column name to array.")
    columns = {}
    for k, v in data.items():
        try:
            columns[str(k)] = np.asarray(v)
        except ValueError:
            raise _fail(decl, f"returned a `{k}` column of shape that is not rectangular: its rows differ in "
                              "length, and every row of a column must have the same length.") from None
    lengths = {k: (len(v) if v.ndim else -1) for k, v in columns.items()}
    if len(set(lengths.values())) > 1:
        raise _fail(decl, "returned columns of different lengths (" + ", ".join(f"{k}: {n}" for k, n in
                                                                            lengths.items()) + ").")
    return {k: (v if v.size or v.ndim > 1 else np.zeros((0, 0), dtype=np.int64)) for k, v in columns.items()}


def call_generator(decl: Declaration, n: int, seed: int, split: str) -> Any:
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, not {split!r}.")
    generate = load_hook(decl, decl.data.generator, "data.generator")
    params = inspect.signature(generate).parameters
    return generate(n, seed, split=split) if "split" in params else generate(n, seed)


def _fail(decl: Declaration, problem: str) -> DeclarationError:
    return DeclarationError(decl.path, "data.generator", f"({decl.data.generator}) {problem}",
                            f"Fix {decl.data.generator.partition(':')[0]} so that generate(n, seed) returns a dict of numpy "
                            "arrays, one per column the task needs, each with one entry per row (see the puzzle README).")


def _int_array(decl: Declaration, columns: dict[str, np.ndarray], name: str, ndim: int) -> np.ndarray:
    if name not in columns:
        raise _fail(decl, f"returned no `{name}` column.")
    array = columns[name]
    if array.dtype == object or array.ndim != ndim:
        raise _fail(decl, f"returned a `{name}` column of shape {array.shape}; it should have {ndim} dimension(s) of equal length.")
    if not np.issubdtype(array.dtype, np.integer):
        raise _fail(decl, f"returned a `{name}` column of dtype {array.dtype}; it should hold integers.")
    return array


def validate_columns(decl: Declaration, ds: Any, n: int, d_vocab: int) -> dict[str, np.ndarray]:
    """Check generated data (columns or a datasets.Dataset) against the declaration; return numpy columns."""
    columns = columns_of(decl, ds)
    rows = len(next(iter(columns.values()))) if columns else 0
    if rows != n:
        raise _fail(decl, f"returned {rows} rows when asked for {n}.")
    tokens = _int_array(decl, columns, "tokens", 2)
    if tokens.size and (tokens.min() < 0 or tokens.max() >= d_vocab):
        raise _fail(decl, f"returned tokens outside [0, {d_vocab}).")
    task = decl.task
    if task.metric == "logit_diff":
        for name in ("answer", "distractor", "answer_position"):
            _int_array(decl, columns, name, 1)
        return columns
    n_ctx = decl.model.config.get("n_ctx", tokens.shape[1])
    if tokens.shape[1] != n_ctx:
        raise _fail(decl, f"returned sequences of length {tokens.shape[1]}; the model's n_ctx is {n_ctx}.")
    targets = _int_array(decl, columns, "targets", 2)
    if targets.shape != tokens.shape:
        raise _fail(decl, f"returned `targets` of shape {targets.shape}, unlike `tokens` {tokens.shape}.")
    start, stop = task.positions
    counted = np.zeros(tokens.shape[1], dtype=bool)
    counted[start:stop] = True
    if n and ((targets[:, counted] < 0).any() or (targets[:, ~counted] >= 0).any()):
        raise _fail(decl, f"returned `targets` that are not >= 0 exactly at task.positions [{start}, {stop}) and -1 elsewhere.")
    return columns


def tokenize_prompts(decl: Declaration, ds: Any, tokenizer: Any) -> Any:
    """Turn `prompt`/`answer`/`distractor` text columns into tokens (BOS first, right-padded) and token ids."""
    rows = ds.to_dict() if hasattr(ds, "to_dict") else {k: list(v) for k, v in dict(ds).items()}
    for column in ("prompt", "answer", "distractor"):
        if column not in rows:
            raise _fail(decl, f"returned no `{column}` text column.")
    bos = tokenizer.bos_token_id
    encoded = [([bos] if bos is not None else []) + tokenizer.encode(p, add_special_tokens=False) for p in rows["prompt"]]

    def single(text: str, column: str) -> int:
        ids = tokenizer.encode(text, add_special_tokens=False)
        if len(ids) != 1:
            raise _fail(decl, f"returned the {column} {text!r}, which is {len(ids)} tokens; answers must be single tokens.")
        return ids[0]

    width = max(len(e) for e in encoded)
    pad = tokenizer.eos_token_id if tokenizer.eos_token_id is not None else 0
    tokens = np.full((len(encoded), width), pad, dtype=np.int64)
    for i, e in enumerate(encoded):
        tokens[i, : len(e)] = e
    extra = {k: v for k, v in rows.items() if k not in ("tokens",)}
    return as_dataset({
        **extra,
        "tokens": tokens,
        "answer_position": np.array([len(e) - 1 for e in encoded], dtype=np.int64),
        "answer": np.array([single(a, "answer") for a in rows["answer"]], dtype=np.int64),
        "distractor": np.array([single(d, "distractor") for d in rows["distractor"]], dtype=np.int64),
    })


def to_tensors(columns: dict[str, np.ndarray]) -> dict:
    """Numeric numpy columns as torch tensors (text columns are dropped)."""
    import torch

    return {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in columns.items()
            if isinstance(v, np.ndarray) and v.dtype != object and (np.issubdtype(v.dtype, np.number) or v.dtype == bool)}
