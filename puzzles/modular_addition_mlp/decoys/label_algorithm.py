"""Gaming decoy: the task's label as the algorithm, claimed to explain both components.

It agrees with the model (accuracy 100%), but an algorithm claim is behavioural: it explains no component, whatever
`explains=` says, and it is no subspace claim, so the required question stays unanswered.
"""

import numpy as np

from harness.hypothesis import Algorithm, Hypothesis

EXPECTED_FAILURES = ["required"]


def answer(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 1] = tokens.sum(1) % 113
    return out


hypothesis = Hypothesis(puzzle="modular_addition_mlp", claims=[
    Algorithm(answer, explains=["embed", "MLP0"], name="output = (a + b) mod 113"),
])
