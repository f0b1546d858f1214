"""Wrong mechanism: layer 0 needs the position code only at the keys it attends from (11-24), not at the earlier
positions. The circuit (tokens 10-31, positions 11-24, both layer-0 heads at 11-24, L1H0 at 25-31) keeps 0.938 of
the metric, but at position 25 the model's answer survives on only 0.79 of the rows: the first predicted positions
read keys as early as 10, whose previous-token attention needs the code of 0-9. `circuit.positions` must catch it.
The other claims are the reference's."""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis, PathClaim, Scrubbing

EXPECTED_FAILURES = ['circuit.positions']


def induction_key(tokens: np.ndarray) -> np.ndarray:
    """Int [batch, pos]: at each query, the position just after the earlier occurrence of the current token
    (-1 where the token has not occurred before, or occurred just before)."""
    out = np.full(tokens.shape, -1)
    for r, row in enumerate(tokens):
        first: dict[int, int] = {}
        for q, t in enumerate(row.tolist()):
            if t in first and first[t] + 1 < q:
                out[r, q] = first[t] + 1
            first.setdefault(t, q)
    return out


def previous_token(tokens: np.ndarray) -> np.ndarray:
    """Int [batch, pos]: the token at the previous position (-1 at position 0)."""
    out = np.full(tokens.shape, -1)
    out[:, 1:] = tokens[:, :-1]
    return out


def next_after_earlier(tokens: np.ndarray) -> np.ndarray:
    """Int [batch, pos]: the token after the earlier occurrence of the current token (-1 where none)."""
    keys = induction_key(tokens)
    return np.where(keys >= 0, np.take_along_axis(tokens, np.maximum(keys, 0), axis=1), -1)


hypothesis = Hypothesis(
    puzzle="induction_2l",
    description=__doc__,
    claims=[
        Circuit(["embed[10:32]", "pos_embed[11:25]", "L0H0[11:25]", "L0H1[11:25]", "L1H0[25:32]"],
                name="tokens 10-31; positions 11-24; both layer-0 heads at the key positions 11-24; L1H0 at the predicted positions"),
        Attention("L1H0", induction_key, name="L1H0 attends to the token after the earlier occurrence of the current token"),
        Attention("L1H1", induction_key, name="L1H1 (a backup, outside the circuit) attends there too"),
        Scrubbing("L0H0[11:25]", previous_token, name="L0H0 at the key positions carries only the previous token"),
        Scrubbing("L0H1[11:25]", previous_token, name="L0H1 at the key positions carries only the previous token"),
        Scrubbing("L1H0[25:32]", next_after_earlier, name="L1H0 carries the token it attends to (the answer)"),
        PathClaim("L0H1", "L1H0.k+L1H1.k", name="K-composition: L0H1 reaches the induction heads through their keys"),
    ],
)
