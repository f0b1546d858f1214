"""Reference hypothesis for rederive_position.

L0H0 attends to every earlier position with fixed weights by key type (BOS about 3.6x a content
token, the query's own token about 0.8x), so the share it gives BOS — about 3.6/(q+3.4) — dilutes as
q grows: its output is a position code (plus a weighted bag of the prefix tokens). L1H0 compares
that code at the query and at the keys (it reads L0H0 through its query *and* key inputs) to find
position q-1, attends there (and, less, to itself), and copies the token there. Graded under
position-agnostic (global mean) ablation, the BOS embedding at position 0 is part of the circuit;
L0H0 at positions 0 and 9 and L1H0 at position 0 are not needed.
"""

import numpy as np

from harness.hypothesis import Algorithm, Attention, Circuit, Hypothesis, Interchange, PathClaim, Scrubbing

N_CTX = 10
POSITIONS = np.arange(N_CTX)


def previous_or_self(tokens: np.ndarray) -> np.ndarray:
    """Bool [batch, query, key]: key q-1 and key q."""
    keys = np.zeros((N_CTX, N_CTX), dtype=bool)
    keys[POSITIONS[1:], POSITIONS[1:] - 1] = True
    keys[POSITIONS, POSITIONS] = True
    return np.broadcast_to(keys, (len(tokens), N_CTX, N_CTX)).copy()


def previous_token(tokens: np.ndarray) -> np.ndarray:
    out = np.full(tokens.shape, -1)
    out[:, 1:] = tokens[:, :-1]
    return out


hypothesis = Hypothesis(
    puzzle="rederive_position",
    description=__doc__,
    claims=[
        Circuit(["embed[0:9]", "L0H0[1:9]", "L1H0[1:10]"], name="BOS and tokens, L0H0's position code, L1H0"),
        PathClaim("L0H0", "L1H0.qk", name="position code enters L1H0 through its query and key"),
        Attention("L1H0", previous_or_self, name="L1H0 attends to q-1 (and itself)"),
        Interchange("L1H0", previous_token, lambda base, source: source, name="L1H0 carries the previous token"),
        Scrubbing("L1H0", previous_token, name="L1H0 depends only on the previous token"),
        Algorithm(previous_token, name="output = previous token"),
    ],
)
