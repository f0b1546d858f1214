"""Decoy: "only the embeddings at even positions matter" — a circuit missing half its units.

Every counted position needs its own embedding (the prediction there depends on nothing else), so
this circuit recovers only about half of the metric.
"""

from harness.hypothesis import Circuit, Hypothesis

EXPECTED_FAILURES = ["circuit.faithfulness"]

hypothesis = Hypothesis(puzzle="bigram_0l", claims=[Circuit([f"embed[{','.join(map(str, range(0, 31, 2)))}]"])])
