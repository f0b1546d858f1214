"""Wrong where it speaks: the reference, with MLP0's feature wrong at one of its 23 positions (the current token at
12, not the previous one). Resampling MLP0 within those classes keeps 0.95 or more of the metric averaged over every
position, above the threshold, but at position 12 it keeps almost none of the answers that resampling across classes
loses. A scrubbing claim must hold at each counted position where the component decides answers:
`scrubbing.positions` must catch it."""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis, Interchange, Scrubbing

EXPECTED_FAILURES = ["scrubbing.positions"]

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



def previous_token_but_current_at_12(tokens: np.ndarray) -> np.ndarray:
    """The previous token, except at position 12, where it is the current one."""
    out = previous_token(tokens)
    out[:, 12] = tokens[:, 12]
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
        Scrubbing("MLP0", previous_token_but_current_at_12, name="MLP0 depends only on the previous token (the current one at 12)"),
        Interchange("MLP0", previous_token, lambda base, source: source, name="MLP0 carries the previous token"),
    ],
)
