"""Reference hypothesis for bigram_0l.

With no layers the prediction at a position can depend only on the token there, so the best the
model can do is the corpus's bigram statistics: softmax(W_E[t] @ W_U) ≈ P(next | t). The circuit is
the embedding at every counted position (0-30); the embedding at position 31 feeds no counted
prediction. The algorithm claim says the model's distribution is the corpus's next-character
distribution, and it accounts for the embedding, which is the only component.
"""

import numpy as np

from harness.hypothesis import Algorithm, Circuit, Hypothesis, puzzle_data

# The training corpus is public: the puzzle's data.py.
CORPUS = puzzle_data("bigram_0l").CORPUS
VOCAB = "".join(sorted(set(CORPUS)))


def bigram_table() -> np.ndarray:
    ids = np.array([VOCAB.index(c) for c in CORPUS])
    counts = np.zeros((len(VOCAB), len(VOCAB)))
    np.add.at(counts, (ids[:-1], ids[1:]), 1)
    return counts / counts.sum(1, keepdims=True)


def next_character_distribution(tokens: np.ndarray) -> np.ndarray:
    """P(next | current) from the corpus at every position: [batch, pos, vocab]."""
    return bigram_table()[tokens]


hypothesis = Hypothesis(
    puzzle="bigram_0l",
    description="W_E W_U is a rank-16 lookup table whose softmax rows are the corpus's bigram distributions.",
    claims=[
        Circuit(["embed[0:31]"], name="embedding at the counted positions"),
        Algorithm(next_character_distribution, explains=["embed"], name="bigram statistics"),
    ],
)
