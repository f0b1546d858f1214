"""Decoy: "the model reads the characters only from the prompt (positions 0-5)".

A missing part of the circuit: the head copies from later positions too, so with the embedding
ablated after the first ordering the circuit recovers only about half of the metric.
"""

from harness.hypothesis import Circuit, Hypothesis

EXPECTED_FAILURES = ["circuit.faithfulness"]

hypothesis = Hypothesis(puzzle="permutation_listing", claims=[Circuit(["embed[0:6]", "L0H0"])])
