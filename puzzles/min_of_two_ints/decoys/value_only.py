"""Plausible wrong mechanism: "the numbers reach the head only through its value; the head copies both and
the unembedding picks the smaller" (no choice made by attention).

Wrong: with the numbers removed from the head's query and key inputs the attention no longer prefers the
smaller number, and the model's answer is right only where a hedge between the candidates happens to land on
it. Cross-entropy alone still rewards that hedge (the claim kept 0.84 of the metric before the path check
also counted top-1 answers); the answers do not survive.
"""

from harness.hypothesis import Circuit, Hypothesis, PathClaim

EXPECTED_FAILURES = ["path.only_through"]

hypothesis = Hypothesis(puzzle="min_of_two_ints", claims=[
    Circuit(["embed[0:2]", "L0H0[2]"]),
    PathClaim("embed", "L0H0.v", name="the numbers act only through the head's value"),
])
