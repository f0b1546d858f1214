"""Gaming decoy: the right circuit, "explained" by the task's own label function ("the model does induction").

An algorithm claim is behavioural — any model that does the task satisfies it — so `explains=` earns nothing:
no head is explained and the required questions go unanswered.
"""

import numpy as np

from harness.hypothesis import Algorithm, Circuit, Hypothesis

EXPECTED_FAILURES = ["coverage", "required"]


def next_after_earlier(tokens):
    out = np.full(tokens.shape, -1)
    for r, row in enumerate(tokens):
        first = {}
        for q, t in enumerate(row.tolist()):
            if t in first and first[t] + 1 < q:
                out[r, q] = row[first[t] + 1]
            first.setdefault(t, q)
    return out


hypothesis = Hypothesis(puzzle="induction_2l", claims=[
    Circuit(["embed[9:32]", "pos_embed[0:25]", "L0H0[10:25]", "L0H1[10:25]", "L1H0[25:32]"]),
    Algorithm(next_after_earlier, explains=["L0H0", "L0H1", "L1H0"], name="induction: copy what followed last time"),
])
