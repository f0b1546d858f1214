"""Plausible wrong mechanism: "positions only tell the head's key which tokens are candidates".

The natural story for the positional embedding: it marks the unsorted x (positions 1-10) as keys worth
attending, so the head does not copy from the sorted list it is writing. The QK circuit does favour the x
positions, but that preference is redundant with the value rule; path patching shows the positional
embedding's effect goes through the query (and value), and through the key almost not at all.
"""

from harness.hypothesis import Circuit, Hypothesis, PathClaim

EXPECTED_FAILURES = ["path.share", "path.only_through"]

POS = "pos_embed[1:21]"

hypothesis = Hypothesis(puzzle="sort_fixed_len_list", claims=[
    Circuit(["embed[1:21]", POS, "L0H0[11:21]"]),
    PathClaim("pos_embed", "L0H0.k", name="positions enter the head through its key"),
])
