"""Gaming decoys for attention: a rule that claims every key but BOS, and a rule that is right at one
hand-picked query only.

"L1H0 attends to the sequence" puts nearly all of its attention on the claimed keys, but so would a
uniform head: judged against chance it says almost nothing. "L0H0 attends to p3" is exactly right at a1
(position 9, 0.97 of the attention) and says nothing at END and a2; rules are judged at every declared
query, and a query where the rule names no key counts as a miss.
"""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis

EXPECTED_FAILURES = ["attention"]


def all_but_bos(tokens):
    keys = np.tri(12, dtype=bool)
    keys[:, 0] = False
    return np.broadcast_to(keys, (len(tokens), 12, 12)).copy()


def p3_at_a1(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 9] = 7
    return out


hypothesis = Hypothesis(puzzle="permute_lists", claims=[
    Circuit(["embed[1,2,3,5,6,7,9,10]", "pos_embed[1,2,3,5,6,7,8,9,10]", "L0H0[1,2,3,8,9,10]", "L1H0[8,9,10]"]),
    Attention("L1H0", all_but_bos, name="L1H0 attends to the sequence"),
    Attention("L0H0", p3_at_a1, queries=[9], name="L0H0 at a1 attends to p3"),
])
