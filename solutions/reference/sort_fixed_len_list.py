"""Reference hypothesis for sort_fixed_len_list.

The single head is the whole algorithm. Its query reads the current value (MID at position 11, s_i at
11+i) and its QK circuit scores keys by *token value*: in the token-token term E·W_Q·W_Kᵀ·Eᵀ, for a
query value a the score jumps just above a (score(a, a+1) − score(a, a) = +0.8 to +5.1, every a) and
then falls with the key's value (Spearman −0.85 to −0.99 over the keys above a for 44 of the 49 query
values; only the top few, with almost no key above them, differ); MID's row falls with the key value
over the whole range (Spearman −0.95). So the head attends to the x values above the current one,
most to the smallest (measured on the shipped checkpoint, 512 rows: 0.56 of the attention on the
smallest x above, 0.25 on the second smallest, nearly 0 on the sorted copies at 12–21 and on values at
or below the query). Its OV circuit copies: E·W_V·W_O·W_U has its row maximum on the diagonal for all
50 values, while the direct path E·W_U does not (2%), and removing the direct path entirely changes
nothing (embed → L0H0.qkv keeps all of the embedding's effect). Substituting a one-hot pattern on the
smallest x above the current value keeps the head's whole effect.

The positional embedding matters too — under the default position-agnostic ablation, replacing it by its
global mean drops accuracy to 77% (loss 4.8) — mostly through the query (pos_embed → L0H0.q alone
carries 0.34 of its effect, q and v together 0.72, k alone 0.004: the routes are non-additive, so no
path claim about it passes); the position term of the QK circuit also favours the x positions over the
sorted copies by ~2.5 at queries 12–19, a key-side preference the value rule makes redundant. pos_embed
is needed at the x positions 1–10 (each alone costs ~0.6 nats: one key's position code out of line with the
others), at MID (1.1), at 12–13 and at the last query 20 (0.43); at 14–19 its average cost is small, but the answers
need it: without it the circuit keeps the model's answer on only 0.914–0.953 of the rows at position 14 (seeds 157883,
11, 44444), with it on ≥ 0.988 at every position (11 seeds), so the circuit names the whole code of 1–20 (it leaves
out BOS and position 21).
Other rules, also true: "every x above the current value" scores 0.57 and "the two smallest above" 0.67.
"""

import numpy as np

from harness.hypothesis import Algorithm, Attention, Circuit, Hypothesis, Interchange, PathClaim, Scrubbing

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


POS = "pos_embed[1:21]"

hypothesis = Hypothesis(
    puzzle="sort_fixed_len_list",
    description=__doc__,
    claims=[
        Circuit(["embed[1:21]", POS, "L0H0[11:21]"], name="tokens and positions 1-20, the head at 11-20"),
        Attention("L0H0", smallest_greater_key, name="head attends to the smallest x above the current value"),
        Interchange("L0H0", next_sorted, lambda base, source: source, name="head carries the next sorted value"),
        Scrubbing("L0H0", next_sorted, name="head output depends only on the next sorted value"),
        PathClaim("embed", "L0H0.qkv", name="tokens act only through the head (no direct path)"),
        Algorithm(next_sorted, name="output = next sorted value"),
    ],
)
