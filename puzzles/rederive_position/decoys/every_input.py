"""Gaming decoy: "L0H0's position code reaches L1H0 through its inputs" — all three of them.

L1H0 is L0H0's only reader besides the logits, so naming q, k and v together passes "only through"
without saying which input reads the code. Every named input must carry a share of the effect on its own;
the value input carries none.
"""

from harness.hypothesis import Circuit, Hypothesis, PathClaim

EXPECTED_FAILURES = ["path.padded"]

hypothesis = Hypothesis(puzzle="rederive_position", claims=[
    Circuit(["embed[0:9]", "L0H0[1:9]", "L1H0[1:10]"]),
    PathClaim("L0H0", "L1H0.qkv", name="the position code enters L1H0"),
])
