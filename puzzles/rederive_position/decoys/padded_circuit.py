"""Gaming decoy: the right circuit padded with positions that do nothing (L1H0 at position 0, whose
output no counted prediction reads). Minimality must catch the padding, however the circuit is written."""

from harness.hypothesis import Circuit, Hypothesis

EXPECTED_FAILURES = ["circuit.minimality"]

hypothesis = Hypothesis(puzzle="rederive_position", claims=[
    Circuit(["embed[0:9]"] + [f"L0H0[{p}]" for p in range(1, 9)] + ["L1H0[0:10]"]),
])
