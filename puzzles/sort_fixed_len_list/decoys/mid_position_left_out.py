"""Wrong mechanism: the reference with the positional embedding at MID (11) left out of the circuit, as if the
first sorted value were found without knowing where the list ends. Averaged over the ten answer positions the
circuit keeps 0.96 of the metric, and every unit in it is needed; but at position 11 the model's answer survives
on only 0.46 of the rows. A circuit must hold at every position it counts: `circuit.positions` must catch it.
Every other claim is the reference's."""

import numpy as np

from harness.hypothesis import Algorithm, Attention, Circuit, Hypothesis, Interchange, PathClaim, Scrubbing

EXPECTED_FAILURES = ["circuit.positions"]

N = 10
MID = 1 + N  # position of MID; x at 1-10, sorted values at 12-21
N_CTX = 2 + 2 * N


def smallest_greater_key(tokens: np.ndarray) -> np.ndarray:
    """Int [batch, pos]: at MID the position (1-10) of the smallest x; at a sorted value, the position of the
    smallest x greater than it; -1 elsewhere."""
    x = tokens[:, 1:MID]
    out = np.full(tokens.shape, -1)
    out[:, MID] = x.argmin(1) + 1
    for q in range(MID + 1, N_CTX - 1):
        above = np.where(x > tokens[:, q:q + 1], x, 10_000)
        out[:, q] = above.argmin(1) + 1
    return out


def next_sorted(tokens: np.ndarray) -> np.ndarray:
    """The value to predict at positions 11-20: the ten x values in ascending order."""
    out = np.full(tokens.shape, -1)
    out[:, MID:N_CTX - 1] = np.sort(tokens[:, 1:MID], axis=1)
    return out


POS = "pos_embed[" + ",".join(str(p) for p in range(1, 21) if p != 11) + "]"  # MID (11) left out

hypothesis = Hypothesis(
    puzzle="sort_fixed_len_list",
    description=__doc__,
    claims=[
        Circuit(["embed[1:21]", POS, "L0H0[11:21]"], name="tokens, positions 1-10 and 12-20, the head at 11-20"),
        Attention("L0H0", smallest_greater_key, name="head attends to the smallest x above the current value"),
        Interchange("L0H0", next_sorted, lambda base, source: source, name="head carries the next sorted value"),
        Scrubbing("L0H0", next_sorted, name="head output depends only on the next sorted value"),
        PathClaim("embed", "L0H0.qkv", name="tokens act only through the head (no direct path)"),
        Algorithm(next_sorted, name="output = next sorted value"),
    ],
)
