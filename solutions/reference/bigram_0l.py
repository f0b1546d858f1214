"""Reference hypothesis for bigram_0l.

With no layers the prediction at a position can depend only on the token there, so the best the
model can do is the corpus's bigram statistics: softmax(W_E[t] @ W_U) ≈ P(next | t). The circuit is
the embedding at every counted position (0-30); the embedding at position 31 feeds no counted
prediction. The algorithm claim says the model's distribution is the corpus's next-character
distribution, and it accounts for the embedding, which is the only component.
"""

import numpy as np

from harness.hypothesis import Algorithm, Circuit, Hypothesis, puzzle_data

def next_character_distribution(tokens: np.ndarray) -> np.ndarray:
    """P(next | current) from the corpus (public in the puzzle's data.py) at every position: [batch, pos, vocab]."""
    return puzzle_data("bigram_0l").bigram_table().numpy()[tokens]


hypothesis = Hypothesis(
    puzzle="bigram_0l",
    description="W_E W_U is a rank-16 lookup table whose softmax rows are the corpus's bigram distributions.",
    claims=[
        Circuit(["embed[0:31]"], name="embedding at the counted positions"),
        Algorithm(next_character_distribution, explains=["embed"], name="bigram statistics"),
    ],
)
