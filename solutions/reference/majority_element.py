"""Reference hypothesis for majority_element.

Counting by averaging. The head's query is always END and its key scores q(END)·k(x)/8 hardly depend on
the value (−0.60 ± 0.04 over the 50 values; END −3.8, BOS −4.6), so from END it spreads its attention
evenly over the ten items (0.086–0.114 each; BOS 0.002, END 0.004): attention singles nothing out, and the
six majority places get 0.60 of it, their share. The OV circuit copies each item to its own logit (+20.3 ±
0.5 on itself, −0.4 ± 7.2 on the other values; its own value is the top logit for all 50), so each item adds
about 0.1 × 20.3 ≈ 2 logits to its value and the output is a vote count: the majority's logit leads a value
with 3 / 2 / 1 places by 4.7 / 8.1 / 10.3 on average.

Interventions (4,096 rows, clean accuracy 1.000, loss 0.041): attention from END forced exactly uniform over
x1..x10 → accuracy 1.000, loss 0.039; the key inputs of the items replaced by the global mean embedding, or
taken from another row → 1.000 (loss 0.041); the value inputs of the items taken from another row → the
model outputs *that* row's majority (1.000). Vote transfer: the value input at k of the six majority places
rewritten to another item's value c: with 5 votes against 2 the model still says the majority (0.98), with
4 against 3 only 0.60 (c 0.10; elsewhere the off-diagonal OV terms, ~2 logits of noise per value, let a third
value win — training never shows a margin below 2), with 3 against 4 it says c (0.59), 3 against 5 (0.90), 2
against 5 (0.98). Graded: the items act only through the value input (path share 1.000, kept 1.000: with the
key route removed nothing changes); BOS and END are not needed (circuit 0.992 under global-mean ablation); the
head's output at END depends only on the majority value (scrubbing 0.999; across classes it costs 3.1×), but
at END the head's output is all the logits read that varies, so that claim (and its interchange form) restates
the output and the grader gives it nothing. An attention claim cannot express "evenly over the items" (ten of
twelve keys: at most 0.17 above chance), so the puzzle asks only through which input the items act, and
declares `circuit = false`: no claim could state the head's role without restating the output.
"""

import numpy as np

from harness.hypothesis import Algorithm, Circuit, Hypothesis, PathClaim

END = 11


def majority(tokens: np.ndarray) -> np.ndarray:
    """One value per row: the value that fills 6 of the places x1..x10."""
    items = tokens[:, 1:END]
    counts = (items[:, :, None] == items[:, None, :]).sum(-1)
    return items[np.arange(len(tokens)), counts.argmax(1)]


def majority_label(tokens: np.ndarray) -> np.ndarray:
    out = np.full(tokens.shape, -1)
    out[:, END] = majority(tokens)
    return out


hypothesis = Hypothesis(
    puzzle="majority_element",
    description=__doc__,
    claims=[
        Circuit(["embed[1:11]", "L0H0[11]"], name="the ten items and the head at END"),
        PathClaim("embed[1:11]", "L0H0.v", name="the items reach the head only through its value"),
        Algorithm(majority_label, name="output = the majority value"),
    ],
)
