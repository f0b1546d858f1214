"""Decoy (wrong mechanism, hidden by redundant partners): the reference, plus "L0H3 writes the answer straight to
the logits".

L0H3 is a fourth previous-token head; the other heads cover for it, so ablating it alone costs
less than δ and the false path claim was vacuous. With the heads that cover for it ablated, L0H3 matters, and its
effect goes through MLP0, not directly to the logits.
"""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis, Interchange, PathClaim, Scrubbing

EXPECTED_FAILURES = ['path.share', 'path.only_through']

N_CTX = 24


def previous_position(tokens: np.ndarray) -> np.ndarray:
    return np.broadcast_to(np.arange(N_CTX) - 1, tokens.shape).copy()


def previous_token(tokens: np.ndarray) -> np.ndarray:
    out = np.full(tokens.shape, -1)
    out[:, 1:] = tokens[:, :-1]
    return out


def token(tokens: np.ndarray) -> np.ndarray:
    return tokens


def shifted(tokens: np.ndarray, values: np.ndarray) -> np.ndarray:
    """The output at q is the value the variable had at q-1."""
    out = np.full(tokens.shape, -1)
    out[:, 1:] = values[:, :-1]
    return out


hypothesis = Hypothesis(
    puzzle="previous_token_mlp",
    claims=[
        Circuit(["embed[0:23]", "pos_embed", "L0H0[1:24]", "L0H1[1:24]", "L0H2[1:24]", "L0H3[1:24]", "MLP0[1:24]"],
                name="embeddings, the four previous-token heads and MLP0"),
        Attention("L0H0", previous_position, name="L0H0 attends to q-1"),
        Attention("L0H1", previous_position, name="L0H1 attends to q-1"),
        Attention("L0H2", previous_position, name="L0H2 attends to q-1"),
        Attention("L0H3", previous_position, name="L0H3 attends to q-1"),
        Scrubbing("MLP0", previous_token, name="MLP0 depends only on the previous token"),
        Interchange("MLP0", previous_token, lambda base, source: source, name="MLP0 carries the previous token"),
        PathClaim("L0H3", "logits", name="L0H3 writes the previous token to the logits directly"),
    ],
)
