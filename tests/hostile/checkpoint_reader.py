"""Tries to read the puzzle's checkpoint (to run the real model inside its 'algorithm')."""

from harness.puzzle.registry import puzzles_dir

with open(puzzles_dir() / "bigram_0l" / "model.safetensors", "rb") as handle:
    WEIGHTS = handle.read()
