"""Reference hypothesis for bigram_0l.

With no layers the prediction at a position can depend only on the token there, so the best the
model can do is the corpus's bigram statistics: softmax(W_E[t] @ W_U) ≈ P(next | t). The model is a
single component, so the puzzle asks for no circuit; the answer is the distribution itself, matched
as a distribution (not only its argmax).
"""

import numpy as np

from harness.hypothesis import Algorithm, Hypothesis, puzzle_data

def next_character_distribution(tokens: np.ndarray) -> np.ndarray:
    """P(next | current) from the corpus (public in the puzzle's data.py) at every position: [batch, pos, vocab]."""
    return puzzle_data("bigram_0l").bigram_table()[tokens]


hypothesis = Hypothesis(
    puzzle="bigram_0l",
    description="W_E W_U is a rank-16 lookup table whose softmax rows are the corpus's bigram distributions.",
    claims=[
        Algorithm(next_character_distribution, name="bigram statistics"),
    ],
)
