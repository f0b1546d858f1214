"""Gaming decoys for attention: a rule that claims every key but one, and a rule checked at one
hand-picked query (q=1, where every key is BOS). Rules are judged at every task position, against
chance; both fail."""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis

EXPECTED_FAILURES = ["attention"]


def all_but_bos(tokens):
    keys = np.tri(10, dtype=bool)
    keys[1:, 0] = False
    return np.broadcast_to(keys, (len(tokens), 10, 10)).copy()


hypothesis = Hypothesis(puzzle="rederive_position", claims=[
    Circuit(["embed[0:9]", "L0H0[1:9]", "L1H0[1:10]"]),
    Attention("L1H0", all_but_bos, name="L1H0 attends to every content key"),
    Attention("L0H0", lambda tokens: np.zeros(tokens.shape, dtype=int), queries=[1], name="L0H0 attends to BOS at q=1"),
])
