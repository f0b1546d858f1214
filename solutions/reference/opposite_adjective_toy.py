"""Reference hypothesis for opposite_adjective_toy.

Three layer-0 heads copy the adjective to the final 'is' by position, and the MLPs there turn it into
"antonym up, adjective down"; the nouns play no part.

Layer 0 at the final 'is' (position 9): L0H2 puts 0.92 of its attention on the adjective (position 4),
L0H1 0.82, L0H0 0.59 (plus 0.22 on the comma after it); L0H3 attends broadly (0.27 on the adjective) and
matters little. Their attention is positional: the adjective sits at position 4 in every prompt
(measured on 2,048 held-out prompts). Mean-ablating one head at position 9 keeps 0.81 (L0H0), 0.72 (L0H1),
0.69 (L0H2), 0.97 (L0H3) of the logit difference; all four at positions 5 and 9 keep 0.05. Substituting the
claimed pattern (the adjective alone for L0H1 and L0H2) keeps 0.89 / 0.98 of each head's effect.

The MLPs at the final 'is' do the lookup: mean-ablating MLP0[9] keeps 0.33 of the logit difference,
MLP1[9] 0.49, while MLP0 at the adjective's own position (4) or the comma (5) costs only ~3% — the
antonym is not looked up where the adjective stands and then moved (that route is a decoy). Every
component of the circuit depends only on the adjective: resampling it from prompts with the same adjective
(other nouns, articles and connective) keeps 1.00 of the metric; from prompts with another adjective it
costs 0.34-0.85. Resampling by the antonym *pair* alone (big/small as one class) keeps only 0.10 (MLP0) and
0.16 (MLP1): the MLPs read the adjective itself, not just its pair. Held-out nouns make no difference
(accuracy 100%, logit difference 17.8 on both splits).

What is left out: the four layer-1 heads (they attend mostly to the comma and the adjective and add 2-4%
each; all four mean-ablated at position 9 keep 0.88) and L0H3 (3%). With them ablated the circuit keeps
0.835 of the logit difference (0.84-0.85 at grading seeds 11, 222, 3333, 44444, 555555); the puzzle's
faithfulness threshold is 0.8 for that reason (see puzzle.toml).
"""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis, Scrubbing

ADJ, COMMA, FINAL = 4, 5, 9  # positions of the adjective, the comma and the final 'is'


def adjective(tokens: np.ndarray) -> np.ndarray:
    """The adjective (token at position 4), at every position."""
    return np.repeat(tokens[:, ADJ:ADJ + 1], tokens.shape[1], axis=1)


def adjective_key(tokens: np.ndarray) -> np.ndarray:
    """At the final 'is', the adjective's position."""
    out = np.full(tokens.shape, -1)
    out[:, FINAL] = ADJ
    return out


def adjective_and_comma(tokens: np.ndarray) -> np.ndarray:
    """At the final 'is': the adjective and the comma after it (L0H0 splits its attention over the two)."""
    keys = np.zeros(tokens.shape + (tokens.shape[1],), dtype=bool)
    keys[:, FINAL, [ADJ, COMMA]] = True
    return keys


hypothesis = Hypothesis(
    puzzle="opposite_adjective_toy",
    description=__doc__,
    claims=[
        Circuit(["embed[4]", "L0H0[9]", "L0H1[9]", "L0H2[9]", "MLP0[9]", "MLP1[9]"],
                name="the adjective, three layer-0 heads and both MLPs at the final 'is'"),
        Attention("L0H1", adjective_key, name="L0H1 reads the adjective"),
        Attention("L0H2", adjective_key, name="L0H2 reads the adjective"),
        Attention("L0H0", adjective_and_comma, name="L0H0 reads the adjective (and the comma)"),
        Scrubbing("L0H0[9]", adjective, name="L0H0 brings only the adjective"),
        Scrubbing("L0H1[9]", adjective, name="L0H1 brings only the adjective"),
        Scrubbing("L0H2[9]", adjective, name="L0H2 brings only the adjective"),
        Scrubbing("MLP0[9]", adjective, name="MLP0 computes from the adjective alone"),
        Scrubbing("MLP1[9]", adjective, name="MLP1 computes from the adjective alone"),
    ],
)
