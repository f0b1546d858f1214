"""Decoy (beside the point): what L0H0 brings to END only, where the required question asks about each answer
position (END, a1, a2).

True at END (resampling L0H0 there among inputs with the same p2, p3 keeps 1.000 of the metric), but it says
nothing about a1 and a2.
"""

import numpy as np

from harness.hypothesis import Algorithm, Attention, Circuit, Hypothesis, Interchange, PathClaim, Scrubbing

EXPECTED_FAILURES = ['required']

N_CTX = 12
ANSWER = (8, 9, 10)  # END, a1, a2: where a1, a2, a3 are predicted
# What layer 0 brings to each answer position: the permutation entries (positions 5-7) it attends to.
L0_KEYS = {8: (6, 7), 9: (7,), 10: (5,)}


def l0_keys(tokens: np.ndarray) -> np.ndarray:
    """Bool [batch, query, key]: at the answer positions the permutation entries above; at the values
    (positions 1-3) the position itself."""
    keys = np.zeros((N_CTX, N_CTX), dtype=bool)
    for q, ks in L0_KEYS.items():
        keys[q, list(ks)] = True
    for q in (1, 2, 3):
        keys[q, q] = True
    return np.broadcast_to(keys, (len(tokens), N_CTX, N_CTX)).copy()


def source_value_key(tokens: np.ndarray) -> np.ndarray:
    """Int [batch, pos]: at answer position 7+i, the position 1+p_i of the value d_{p_i} to output."""
    out = np.full(tokens.shape, -1)
    for i, q in enumerate(ANSWER):
        out[:, q] = 1 + tokens[:, 5 + i]
    return out


def l0_reads(tokens: np.ndarray) -> np.ndarray:
    """What layer 0 brings to each answer position, as one class per (position, content): at END the pair
    (p2, p3) (equivalently p1), at a1 p3, at a2 p1. Other positions: one class each."""
    out = np.broadcast_to(np.arange(N_CTX) * 100, tokens.shape).copy()
    out[:, 8] += tokens[:, 6] * 3 + tokens[:, 7]
    out[:, 9] += tokens[:, 7]
    out[:, 10] += tokens[:, 5]
    return out


def answers(tokens: np.ndarray) -> np.ndarray:
    """a_i = d_{p_i} at the answer positions 8-10."""
    out = np.full(tokens.shape, -1)
    out[:, 8:11] = np.take_along_axis(tokens[:, 1:4], tokens[:, 5:8], axis=1)
    return out


hypothesis = Hypothesis(
    puzzle="permute_lists",
    claims=[
        Circuit(["embed[1,2,3,5,6,7,9,10]", "pos_embed[1,2,3,5,6,7,8,9,10]", "L0H0[1,2,3,8,9,10]", "L1H0[8,9,10]"],
                name="values, permutation, answers written; L0H0 at the values and answers; L1H0 at the answers"),
        Attention("L1H0", source_value_key, name="L1H0 attends to d_{p_i}"),
        PathClaim("L0H0[8,9,10]", "L1H0.q", name="Q-composition"),
        PathClaim("L0H0[1,2,3]", "L1H0.kv", name="values re-encoded by L0 feed L1's key and value"),
        PathClaim("embed[5,6,7]", "L0H0.v", name="the permutation tokens reach L0 through its value"),
        PathClaim("embed[9]", "L1H0.q", name="the answer just written (a1) enters L1's query"),
        Interchange("L1H0", answers, lambda base, source: source, name="L1H0 carries the answer"),
        Algorithm(answers, name="a_i = d_{p_i}"),
        Scrubbing("L0H0[8]", l0_reads, name="L0H0 at END carries p2 and p3"),
    ],
)
