"""The puzzle wing: what a puzzle is and how it is built, loaded and evaluated.

    declaration   puzzle.toml -> a frozen, validated `Declaration` (no torch)
    registry      where puzzles live and finding one by name (no torch)
    data          calling a puzzle's generator, checking its columns, turning them into tensors
    models        building the declared model; loading and saving checkpoints (safetensors, sha256)
    checkpoint_formats   the bridge and HookedTransformer state-dict layouts, and the one mapping between them
    components    component names (`L1H0`, `MLP0`, `L1H0.q`, `embed`) and their hook points
    metrics       the task metrics (loss, accuracy and each metric's extras)
    training      reproducing a checkpoint from the declaration's recipe
    view          the attention-pattern view for notebooks
    facade        `Puzzle` and `load_puzzle`: the object a solver works with

`Declaration`, `load_declaration` and `list_puzzles` import no torch; `Puzzle` and `load_puzzle` load on first use.
"""

from .declaration import Declaration, load_declaration
from .registry import list_puzzles, load_declaration_by_name, puzzles_dir


def __getattr__(name: str):
    """`Puzzle` and `load_puzzle` import torch and TransformerLens: load them on first use."""
    if name in ("Puzzle", "load_puzzle"):
        from . import facade

        return getattr(facade, name)
    raise AttributeError(f"module 'harness.puzzle' has no attribute {name!r}")


__all__ = ["Declaration", "Puzzle", "list_puzzles", "load_declaration", "load_declaration_by_name", "load_puzzle",
           "puzzles_dir"]
