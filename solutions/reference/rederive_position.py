"""Reference hypothesis for rederive_position.

L0H0 attends to every earlier position with fixed weights by key type (BOS about 3.6x a content
token, the query's own token about 0.8x), so the share it gives BOS — about 3.6/(q+3.4) — dilutes as
q grows: its output is a position code (plus a weighted bag of the prefix tokens). L1H0 reads that
code through its *key* input to find position q-1, attends there (and, less, to itself), and copies
the token there through its value input from the embedding. Position 0 is constant (always BOS),
so only positions that vary belong to the circuit.
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
        Circuit(["embed[1:9]", "L0H0[3:10]", "L1H0[2:10]"], name="varying units of embed, L0H0 and L1H0"),
        PathClaim("L0H0", "L1H0.k", name="position code enters L1H0 through its key"),
        PathClaim("embed", "L1H0.v", name="tokens enter L1H0 through its value"),
        Attention("L1H0", previous_or_self, queries=range(1, N_CTX), name="L1H0 attends to q-1 (and itself)"),
        Interchange("L1H0", previous_token, lambda base, source: source, name="L1H0 carries the previous token"),
        Scrubbing("L1H0", previous_token, name="L1H0 depends only on the previous token"),
        Algorithm(previous_token, name="output = previous token"),
    ],
)
