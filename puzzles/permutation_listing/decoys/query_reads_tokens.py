"""Decoy: "the head's query reads which character was just written and looks for it".

A wrong path: queries and keys are driven by position alone; the token embedding matters to the
head only through its value input, so the embedding → query path carries almost none of the effect.
"""

from harness.hypothesis import Circuit, Hypothesis, PathClaim

EXPECTED_FAILURES = ["path.share"]

hypothesis = Hypothesis(puzzle="permutation_listing", claims=[
    Circuit(["embed", "L0H0"]),
    PathClaim("embed", "L0H0.q", name="tokens drive the query"),
])
