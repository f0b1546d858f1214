"""interp-puzzles: mechanistic-interpretability puzzles whose claims are checked by the machine.

    >>> import harness
    >>> harness.list_puzzles()
    >>> p = harness.load_puzzle("rederive_position")
    >>> ds = p.generate(8, seed=1)          # a datasets.Dataset with `tokens` and `targets`
    >>> p.evaluate()                        # {'loss': ..., 'accuracy': ..., ...}
    >>> logits, cache = p.model.run_with_cache(p.tensors(ds)["tokens"])
    >>> report = harness.grade("my_hypothesis.py")   # or a Hypothesis object; shows as a table in Jupyter
"""

from .errors import DeclarationError, PuzzleError
from .puzzle.declaration import Declaration, load_declaration
from .puzzle.registry import list_puzzles


def __getattr__(name: str):
    """Puzzle, load_puzzle and grade import torch; load them on first use so `harness.hypothesis` stays light."""
    if name in ("Puzzle", "load_puzzle"):
        from .puzzle import facade

        return getattr(facade, name)
    if name == "grade":
        from .grading import grade

        return grade
    raise AttributeError(f"module 'harness' has no attribute {name!r}")


__all__ = ["Declaration", "DeclarationError", "Puzzle", "PuzzleError", "grade", "list_puzzles", "load_declaration",
           "load_puzzle"]
__version__ = "0.11.0"
