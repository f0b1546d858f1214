"""Gaming decoy: the whole model as the "circuit", with nothing said about what any part does.

The positional embedding at BOS and at the last positions does nothing for the task (padding), and a
circuit is not an explanation: no role claim accounts for the head.
"""

from harness.hypothesis import Circuit, Hypothesis

EXPECTED_FAILURES = ["circuit.minimality", "coverage"]

hypothesis = Hypothesis(puzzle="sort_fixed_len_list", claims=[Circuit(["embed", "pos_embed", "L0H0"])])
