"""Decoy: the whole model as the "circuit", with nothing said about what any part does.

Every component is needed, so the circuit claim itself passes — but a circuit is not an
explanation: no role claim accounts for embed, L0H0 or L1H0.
"""

from harness.hypothesis import Circuit, Hypothesis

EXPECTED_FAILURES = ["coverage"]

hypothesis = Hypothesis(puzzle="rederive_position", claims=[Circuit(["embed", "L0H0", "L1H0"])])
