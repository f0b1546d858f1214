"""Decoy: "L1H0 finds the previous position through its query (Q-composition with L0H0)".

Plausible — the query must know where it is — but wrong for this checkpoint: path patching shows
L0H0's effect reaches L1H0 almost entirely through the key input; the query path carries a small
fraction of it.
"""

from harness.hypothesis import Circuit, Hypothesis, PathClaim

EXPECTED_FAILURES = ["path.share"]

hypothesis = Hypothesis(puzzle="rederive_position", claims=[
    Circuit(["embed[1:9]", "L0H0[3:10]", "L1H0[2:10]"]),
    PathClaim("L0H0", "L1H0.q", name="position code enters L1H0 through its query"),
    PathClaim("embed", "L1H0.v"),
])
