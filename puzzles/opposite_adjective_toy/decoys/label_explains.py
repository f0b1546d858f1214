"""Gaming attempt: the whole model as the circuit, "explained" by the task's own answer as an algorithm.

The algorithm claim is behavioural (any model that does the task satisfies it), so `explains=` earns
nothing; the whole model is not minimal (most heads can go); no head's attention is stated.
"""

import numpy as np

from harness.hypothesis import Algorithm, Circuit, Hypothesis, puzzle_data

EXPECTED_FAILURES = ["circuit.minimality", "coverage", "required"]


def antonym(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 9] = puzzle_data("opposite_adjective_toy").ANTONYM[tokens[:, 4]]
    return out


HEADS = [f"L{layer}H{head}" for layer in range(2) for head in range(4)]

hypothesis = Hypothesis(puzzle="opposite_adjective_toy", claims=[
    Circuit(["embed", "pos_embed", *HEADS, "MLP0", "MLP1"], name="the whole model"),
    Algorithm(antonym, explains=[*HEADS, "MLP0", "MLP1"], name="the answer is the antonym"),
])
