"""Writes 12 files of 60 MiB (each under the 64 MiB file-size limit) into its working directory at import,
then is bigram_0l's reference."""

import os
import sys

from harness.hypothesis import puzzle_data  # noqa: E402


def next_character_distribution(tokens):  # bigram_0l's algorithm (a module cannot import files of its own folder)
    return puzzle_data("bigram_0l").bigram_table()[tokens]

from harness.hypothesis import Algorithm, Circuit, Hypothesis  # noqa: E402

chunk = b"\0" * (1 << 20)
for i in range(12):
    with open(f"fill-{i}.dat", "wb") as handle:
        for _ in range(60):
            handle.write(chunk)

hypothesis = Hypothesis(puzzle="bigram_0l", claims=[Circuit(["embed[0:31]"]),
                                                    Algorithm(next_character_distribution, explains=["embed"])])
