"""Plausible wrong mechanism: "the layer-1 head attends to the earlier occurrence of the current token itself".

A natural misreading of induction (match the token, then read what is there). But the earlier occurrence holds
the current token, not the next one: L1H0 puts almost nothing there (it attends one position later, to the token
that followed), so the rule scores below chance.
"""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis

EXPECTED_FAILURES = ["attention"]


def earlier_occurrence(tokens):
    out = np.full(tokens.shape, -1)
    for r, row in enumerate(tokens):
        first = {}
        for q, t in enumerate(row.tolist()):
            if t in first:
                out[r, q] = first[t]
            first.setdefault(t, q)
    return out


hypothesis = Hypothesis(puzzle="induction_2l", claims=[
    Circuit(["embed[9:32]", "pos_embed[0:25]", "L0H0[10:25]", "L0H1[10:25]", "L1H0[25:32]"]),
    Attention("L1H0", earlier_occurrence, name="L1H0 attends to the earlier copy of the current token"),
])
