"""Reference hypothesis for min_of_two_ints.

The head, queried from `=`, ranks its keys by the *token* alone: the key score q(=)·k(x)/√32 falls almost
linearly with the number x (25.6 at 0, −36.2 at 199; slope −0.23 per unit, correlation −0.99; 32 of the 199
adjacent steps go the wrong way, by up to 1.7), and the `=` key scores −39, so `=` attends to the smaller
number: 0.97 of its attention on average, 0.57 when the numbers are 1 apart, 0.91 at 10 apart, 1.00 beyond
50. There is no position anywhere (no positional embedding, one layer), so the head cannot tell a from b:
the choice is made by the key scores. The OV circuit copies the attended number (OV(x) is largest at x for
199 of 200 numbers, by 11.5 logits on average over the next best) and suppresses the neighbours above x
(−29.2 on x+1) more than those below (−21.7 on x−1), so a mix of two adjacent numbers still reads as the
smaller one when it gets more than ~0.45 of the attention (with 0.45 on the smaller number 72% of 1-apart
pairs are still right). This is where the checkpoint errs (37 errors in the 40,000 pairs; 99.91% overall,
99.14% on the 4,280 held-out pairs): numbers 1–3 apart whose key scores differ by less than 0.41 either way,
so that the smaller gets 0.40–0.60 of the attention, or are inverted (198/199: 0.15); and 198/198, whose
copy reads as 199 (the one number whose OV row peaks elsewhere).

Interventions on every pair (top-1 answer): key inputs of the two number positions swapped, values kept →
the model outputs max(a, b) for 97.9% of unequal pairs (min 1.0%); key inputs replaced by the global mean
embedding (equal scores) → min only 38.4%; pattern forced entirely onto the smaller number → min 99.995%,
onto the larger → max 99.0%; the query built from the global mean embedding instead of `=` → min 99.87%
(the query direction does not depend on the `=` token); the `=` embedding replaced by the global mean
everywhere → 97.8%, which is why, under the puzzle's global-mean ablation, the circuit needs only the two
number embeddings and the head at `=` (faithfulness 0.98: what is lost is the `=` embedding's 0.02).
What the head's output at `=` carries is not claimed: it is all the logits read that varies, so "it carries
min(a, b)" follows from the model's accuracy (resampled among inputs with the same minimum it keeps the whole
metric, but the grader marks that scrubbing, like the interchange, as restating the output).
"""

import numpy as np

from harness.hypothesis import Algorithm, Attention, Circuit, Hypothesis

N_CTX = 3


def smaller_number_key(tokens: np.ndarray) -> np.ndarray:
    """Bool [batch, query, key]: at the `=` query, the key(s) holding min(a, b) (both when a == b)."""
    keys = np.zeros((len(tokens), N_CTX, N_CTX), dtype=bool)
    low = tokens[:, :2].min(axis=1)
    keys[:, 2, :2] = tokens[:, :2] == low[:, None]
    return keys


def smaller_number(tokens: np.ndarray) -> np.ndarray:
    """One value per row: min(a, b)."""
    return tokens[:, :2].min(axis=1)


def minimum(tokens: np.ndarray) -> np.ndarray:
    out = np.full(tokens.shape, -1)
    out[:, 2] = smaller_number(tokens)
    return out


hypothesis = Hypothesis(
    puzzle="min_of_two_ints",
    description=__doc__,
    claims=[
        Circuit(["embed[0:2]", "L0H0[2]"], name="the two numbers and the head at `=`"),
        Attention("L0H0", smaller_number_key, name="from `=` the head attends to the smaller number"),
        Algorithm(minimum, name="output = min(a, b)"),
    ],
)
