"""Reference hypothesis for previous_token_mlp.

All four layer-0 heads are previous-token heads (query and key driven by the positional
embedding), redundantly. They move the token embedding of position q-1 to position q, MLP0 turns it
into the output, and the unembedding reads it (also via layer 1, redundantly). Graded under
position-agnostic (global mean) ablation, the positional embedding belongs to the circuit.
Two of the heads (L0H1, L0H2) with MLP0 keep 0.97 of the metric, but not every answer: at position 2
such a circuit kept the model's answer on 0.59 of the rows (it also needs BOS's token and the
positional embedding at 0-1, which the heads read there), and with those added, 0.906 at position 14;
with all four heads, the embeddings at 0-22 / 0-23 and the heads and MLP0 at 1-23 it keeps 0.994 of the
metric and every answer at every position (default seed). Position 0 needs no head or MLP; the token at
position 23 is never an answer.
"""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis, Interchange, Scrubbing

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
    description=__doc__,
    claims=[
        Circuit(["embed[0:23]", "pos_embed", "L0H0[1:24]", "L0H1[1:24]", "L0H2[1:24]", "L0H3[1:24]", "MLP0[1:24]"],
                name="embeddings, the four previous-token heads and MLP0"),
        Attention("L0H0", previous_position, name="L0H0 attends to q-1"),
        Attention("L0H1", previous_position, name="L0H1 attends to q-1"),
        Attention("L0H2", previous_position, name="L0H2 attends to q-1"),
        Attention("L0H3", previous_position, name="L0H3 attends to q-1"),
        Scrubbing("MLP0", previous_token, name="MLP0 depends only on the previous token"),
        Interchange("MLP0", previous_token, lambda base, source: source, name="MLP0 carries the previous token"),
    ],
)
