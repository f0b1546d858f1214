"""What a hypothesis module carries: its description length, and its code without docstrings.

An explanation must not contain the model. A hypothesis's functions run in a grading worker that cannot read a
checkpoint, import torch, TransformerLens or the harness's model and grading code, or read any file of the
submission's own folder (harness.sandbox.policy), so whatever the model has to offer them must be written into the
module itself: a table of QK scores copied from the weights, a basis read off a component's activations, the
checkpoint as base64. The description length measures that:

    description length = len(zlib.compress(ast.unparse(the module without docstrings), 9))   [bytes]

the compressed size of the module's code — identifiers, literals and structure — with comments and docstrings
removed. Prose is free where it cannot reach a function: comments never run, and the worker removes docstrings
before the module runs (`code_without_docstrings`), so `__doc__` cannot smuggle a table in. Every puzzle declares
a budget (`[grading] max_description_bytes`); the references use 0.1–1 KB, a copied basis or QK table several KB,
a checkpoint hundreds. What it cannot see: a table small enough to fit the budget (e.g. bigram_0l's 29 × 29 output
distribution at two decimals is about 400 bytes) — there the model is small enough that its table is its behaviour.

Standard library only: the worker imports this before its sandbox closes.
"""

from __future__ import annotations

import ast
import zlib
from pathlib import Path

from .errors import HypothesisError


def _without_docstrings(tree: ast.Module) -> ast.Module:
    """The tree with the docstring of the module and of every class and function removed (in place)."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                node.body = node.body[1:] or [ast.copy_location(ast.Pass(), first)]
    return tree


def read_source(path: Path | str) -> str:
    """The module's text; a HypothesisError naming the file where it cannot be read as UTF-8 Python."""
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise HypothesisError(f"{path}: cannot be read as UTF-8 text ({exc.__class__.__name__}: {exc}). "
                              "Save the hypothesis as a UTF-8 .py file.") from None


def _parse(source: str, path: Path | str) -> ast.Module:
    try:
        return ast.parse(source, filename=str(path))
    except SyntaxError as exc:
        raise HypothesisError(f"{path}: importing it raised SyntaxError: {exc.msg} (line {exc.lineno}). "
                              "Fix the module.") from None


def code_without_docstrings(source: str, path: Path | str):
    """The module compiled with its docstrings removed (line numbers kept for tracebacks); SyntaxError as Python's."""
    return compile(_without_docstrings(ast.parse(source, filename=str(path))), str(path), "exec")


def description_bytes(source: str, path: Path | str = "<hypothesis>") -> int:
    """The description length of a module's source: its code without comments and docstrings, zlib-compressed."""
    code = ast.unparse(_without_docstrings(_parse(source, path)))
    return len(zlib.compress(code.encode("utf-8"), 9))


def budget_failure(size: int, budget: int) -> str | None:
    """The sentence that fails a hypothesis over its puzzle's budget, or None within it."""
    if size <= budget:
        return None
    return (f"The module's description length is {size:,} bytes (its code without comments and docstrings, "
            f"compressed), over the puzzle's budget of {budget:,}: an explanation must not contain the model. Compute "
            "tables from the puzzle's public data (puzzle_data), give input features and let the grader fit the map "
            "(Subspace(..., features=...)), or state the rule instead of listing its outputs.")


__all__ = ["budget_failure", "code_without_docstrings", "description_bytes", "read_source"]
