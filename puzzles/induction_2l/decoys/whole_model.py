"""Gaming decoy: the whole model as the "circuit", with nothing said about what any part does.

L1H1 (a backup induction head: with L1H0 present, removing it costs < δ) and the filler and BOS positions do
nothing needed (padding), and a circuit is not an explanation: no role claim accounts for any head.
"""

from harness.hypothesis import Circuit, Hypothesis

EXPECTED_FAILURES = ["circuit.minimality", "coverage"]

hypothesis = Hypothesis(puzzle="induction_2l", claims=[Circuit(["embed", "pos_embed", "L0H0", "L0H1", "L1H0", "L1H1"])])
