"""Plausible wrong mechanism: "L1H0 reads L0H0's position code through its key only".

True under per-position mean ablation (the query keeps its position there), false once position is
ablatable: the query reads the code too, and with every route but the key removed little is kept.
"""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis, Interchange, PathClaim


N_CTX = 10


def previous_token(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 1:] = tokens[:, :-1]
    return out


def previous_or_self(tokens):
    keys = np.eye(N_CTX, dtype=bool) | np.eye(N_CTX, k=-1, dtype=bool)
    return np.broadcast_to(keys, (len(tokens), N_CTX, N_CTX)).copy()


EXPECTED_FAILURES = ["path.share", "path.only_through"]

hypothesis = Hypothesis(puzzle="rederive_position", claims=[
    Circuit(["embed[0:9]", "L0H0[1:9]", "L1H0[1:10]"]),
    PathClaim("L0H0", "L1H0.k", name="position code enters L1H0 through its key"),
    Attention("L1H0", previous_or_self),
    Interchange("L1H0", previous_token, lambda base, source: source),
])
