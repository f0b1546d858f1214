"""Gaming decoy (a padded circuit): both layer-1 heads in the circuit, each "explained" by its induction pattern.

Both heads do attend to the token after the earlier occurrence (0.99 and 0.98 of their attention), but with L1H0
present L1H1 is not needed: removing it from the circuit costs less than δ, and L1H0 does not stand in for it
(L1H0 alone is needed), so it is padding, not a redundant pair. Its attention claim is true but belongs outside
the circuit.
"""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis, Scrubbing

EXPECTED_FAILURES = ["circuit.minimality"]


def induction_key(tokens):
    out = np.full(tokens.shape, -1)
    for r, row in enumerate(tokens):
        first = {}
        for q, t in enumerate(row.tolist()):
            if t in first and first[t] + 1 < q:
                out[r, q] = first[t] + 1
            first.setdefault(t, q)
    return out


def previous_token(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 1:] = tokens[:, :-1]
    return out


hypothesis = Hypothesis(puzzle="induction_2l", claims=[
    Circuit(["embed[9:32]", "pos_embed[0:25]", "L0H0[10:25]", "L0H1[10:25]", "L1H0[25:32]", "L1H1[25:32]"]),
    Attention("L1H0", induction_key, name="L1H0 induction"),
    Attention("L1H1", induction_key, name="L1H1 induction"),
    Scrubbing("L0H0[11:25]", previous_token, name="L0H0: previous token"),
    Scrubbing("L0H1[11:25]", previous_token, name="L0H1: previous token"),
])
