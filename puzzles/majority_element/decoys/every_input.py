"""Gaming decoy: "the items reach the head through its inputs" — key and value (or all three).

The only readers of the items that reach END are the head's key and value there, so naming several inputs
passes "only through" without saying which one carries the items. Each named input must carry a share of
the effect on its own; the key (and the query) carry none.
"""

from harness.hypothesis import Circuit, Hypothesis, PathClaim

EXPECTED_FAILURES = ["path.padded"]

hypothesis = Hypothesis(puzzle="majority_element", claims=[
    Circuit(["embed[1:11]", "L0H0[11]"]),
    PathClaim("embed[1:11]", "L0H0.kv", name="the items enter the head through key and value"),
    PathClaim("embed[1:11]", "L0H0.qkv", name="the items enter the head"),
])
