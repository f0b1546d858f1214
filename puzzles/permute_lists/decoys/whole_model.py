"""Gaming decoy: the whole model as the "circuit", with nothing said about what any part does.

BOS, MID and END (tokens and positions) and L1H0 away from the answer positions do nothing for the task
(padding), and a circuit is not an explanation: no role claim accounts for either head.
"""

from harness.hypothesis import Circuit, Hypothesis

EXPECTED_FAILURES = ["circuit.minimality", "coverage"]

hypothesis = Hypothesis(puzzle="permute_lists", claims=[Circuit(["embed", "pos_embed", "L0H0", "L1H0"])])
