"""Wrong mechanism: the second noun decides the answer ("a mouse is small, but an elephant is" -> big,
because elephants are big).

Plausible from the GPT-2 study, where the nouns carry meaning, but here the nouns are random and never seen
in training (held out): the layer-0 heads at the final 'is' put almost nothing on the second noun
(position 8), and MLP0 there does not depend on it — resampling MLP0 among prompts with the same second
noun (and any adjective) destroys the logit difference.
"""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis, Scrubbing

EXPECTED_FAILURES = ["circuit.faithfulness", "attention", "scrubbing"]


def second_noun_key(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 9] = 8
    return out


def second_noun(tokens):
    return np.repeat(tokens[:, 8:9], tokens.shape[1], axis=1)


hypothesis = Hypothesis(puzzle="opposite_adjective_toy", claims=[
    Circuit(["embed[8]", "L0H0[9]", "L0H1[9]", "L0H2[9]", "MLP0[9]", "MLP1[9]"], name="the second noun and the final 'is'"),
    Attention("L0H1", second_noun_key, name="L0H1 reads the second noun"),
    Attention("L0H2", second_noun_key, name="L0H2 reads the second noun"),
    Scrubbing("MLP0[9]", second_noun, name="MLP0 computes from the second noun"),
    Scrubbing("MLP1[9]", second_noun, name="MLP1 computes from the second noun"),
])
