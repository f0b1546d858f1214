"""Decoy (beside the point): what MLP0 computes, stated for positions 2-7 only, where the required question asks about
every position it works at (2-23).

True where it speaks (resampling MLP0 at 2-7 among inputs with the same previous token keeps 1.000 of the metric),
but two thirds of the positions the question asks about are left out.
"""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis, Interchange, Scrubbing

EXPECTED_FAILURES = ['required']

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
        Scrubbing("MLP0[2:8]", previous_token, name="MLP0 at 2-7 depends only on the previous token"),
    ],
)
