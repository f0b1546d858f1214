"""Reference hypothesis for modular_subtraction.

The model computes (a − b) mod 113 the way Nanda et al. (2023) found for addition, with the two heads splitting
the numbers by position. Measured on every one of the 12,769 pairs (the checkpoint gets 12,768 right):

Embedding. After centring, 90.4% of the number embeddings' energy (W_E[0:113] as a function of the number, Fourier
transformed over 0–112) lies in six frequencies w = 42, 23, 30, 26, 3, 21 (shares 0.227, 0.181, 0.176, 0.142,
0.114, 0.063); the next strongest, w = 50, has under 1%. The subspace claims give features of the token x, cos and
sin of 2π w x / 113 at those frequencies; the grader fits the span they give in the embedding: the 12-dimensional
span of its cos/sin components there (k = 12 ≤ 128 / 4; the fit explains R² = 0.904 of the number embeddings'
variance, the 90.4% above). Keeping only that span of a's embedding (everything else at the global mean) keeps
0.999 of its effect, of b's 0.997; projecting it out destroys 1.14 / 1.17 (more than ablating the whole embedding);
the best of 20 random 12-dimensional subspaces keeps at most 0.32. Patching only the span from another input moves
the answer to (a' − b) (resp. (a − b')) on 99.98–100% of pairs: the number lives in those directions, for a and for
b alike (one embedding matrix serves both; what tells them apart is the position, below).

Heads. From `=`, L0H0 puts 0.923 of its attention on a (more than 0.5 on every pair) and L0H1 0.932 on b; the keys
are chosen by the positional embedding. Forcing the patterns onto exactly a and b keeps 1.000 of each head's effect.
Each head moves its number's Fourier features to `=` through its values: embed[0] → L0H0.v carries 0.83 of a's
effect alone and keeps 0.998 of it when it is the only route; embed[1] → L0H1.v 0.91 and 1.000. (The heads reach
the logits almost only through the MLP: a path claim L0H0[2] → MLP0 scores 1.00, and so does L0H1[2] → MLP0; they
are left out because two "except" path edits into the same MLP do not compose in the joint run of harness 0.4 —
the second overwrites the first's restored input — and together score 0.51 there.)

MLP. Its neurons at `=` read sums of cos/sin(w a) and cos/sin(w b) at the key frequencies (97.2% of the
pre-activation energy, centred, is in those linear terms) and the ReLU makes products: 21.2% of the activation
energy lies in the terms cos/sin(w a)·cos/sin(w b) at the same key frequency — the terms of cos(w(a − b)) and
sin(w(a − b)). The logits depend on a − b alone (98.9% of their per-row-centred variance). Patching MLP0's output at
`=` from another pair makes the model output that pair's difference on 100% of pairs.

Circuit (global-mean ablation): the number embeddings and positions at 0 and 1, both heads and the MLP at `=`
keep 0.994 of the metric; the `=` token's embedding and position are not needed (their mean does as well).
"""

from typing import Callable

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis, Interchange, PathClaim, Subspace

P = 113
N_CTX = 3
FREQUENCIES = (42, 23, 30, 26, 3, 21)  # the key frequencies w: the embedding's Fourier components cos/sin(2π w x / 113)
Features = Callable[[np.ndarray], np.ndarray]


def fourier(frequencies) -> Features:
    """Features of the token x at each position: cos and sin of 2π w x / 113 for each frequency w. The grader fits the
    span they give inside the embedding (its Fourier components at those frequencies)."""
    w = 2 * np.pi * np.asarray(frequencies) / P

    def features(tokens: np.ndarray) -> np.ndarray:
        angle = tokens[..., None] * w
        return np.concatenate([np.cos(angle), np.sin(angle)], axis=-1)
    return features


def key_on(position):
    """Bool [batch, query, key]: at `=` (query 2), the key at `position`."""
    def rule(tokens):
        keys = np.zeros((len(tokens), N_CTX, N_CTX), dtype=bool)
        keys[:, 2, position] = True
        return keys
    return rule


def first_number(tokens):
    return tokens[:, 0]


def second_number(tokens):
    return tokens[:, 1]


def difference(tokens):
    return (tokens[:, 0] - tokens[:, 1]) % P


def with_a(base, a):
    """The answer with a taken from the source: (a_source - b_base) mod P at `=`."""
    out = np.full(base.shape, -1, dtype=np.int64)
    out[:, 2] = (a - base[:, 1]) % P
    return out


def with_b(base, b):
    out = np.full(base.shape, -1, dtype=np.int64)
    out[:, 2] = (base[:, 0] - b) % P
    return out


def answer(base, c):
    out = np.full(base.shape, -1, dtype=np.int64)
    out[:, 2] = c
    return out


def claims(features: Features, head_a: str, head_b: str) -> list:
    """The mechanism with its parts: the key-frequency span, the head that reads a and the one that reads b."""
    return [
        Circuit(["embed[0,1]", "pos_embed[0,1]", f"{head_a}[2]", f"{head_b}[2]", "MLP0[2]"],
                name="the numbers, both heads at `=`, the MLP at `=`"),
        Subspace("embed[0]", features=features, variable=first_number, predict=with_a,
                 name="a enters only through the key frequencies of the embedding"),
        Subspace("embed[1]", features=features, variable=second_number, predict=with_b,
                 name="b enters only through the key frequencies of the embedding"),
        Attention(head_a, key_on(0), name=f"from `=` {head_a} attends to a"),
        Attention(head_b, key_on(1), name=f"from `=` {head_b} attends to b"),
        PathClaim("embed[0]", f"{head_a}.v", name=f"a reaches the answer through {head_a}'s values"),
        PathClaim("embed[1]", f"{head_b}.v", name=f"b reaches the answer through {head_b}'s values"),
        Interchange("MLP0[2]", difference, answer, name="MLP0 at `=` carries (a - b) mod 113"),
    ]


hypothesis = Hypothesis(puzzle="modular_subtraction", description=__doc__,
                        claims=claims(fourier(FREQUENCIES), "L0H0", "L0H1"))


def key_frequencies(embed: np.ndarray) -> list[int]:
    """The frequencies w whose cos/sin components of the number embeddings have at least half the norm of the
    strongest, strongest first (on this checkpoint 42, 23, 30, 26, 3, 21: 0.53 of the strongest for the last, the
    next, 50, has 0.20; on retrained seeds 3 or 4 frequencies, the next at most 0.03)."""
    x = np.arange(P)
    waves = np.stack([np.stack([np.cos(2 * np.pi * w * x / P), np.sin(2 * np.pi * w * x / P)])
                      for w in range(1, P // 2 + 1)])  # [w - 1, cos/sin, x]
    norms = np.linalg.norm(waves @ embed[:P], axis=(1, 2))
    return [int(i) + 1 for i in np.argsort(-norms, kind="stable") if norms[i] >= norms.max() / 2]


def reads_a(weights: dict) -> tuple[str, str]:
    """(the head that attends to a from `=`, the one that attends to b): the head whose query at `=` scores the
    key at position 0 highest over position 1, averaged over the numbers there (the keys are chosen by position)."""
    embed, pos = weights["embed.weight"], weights["pos_embed.weight"]
    n_heads = 2
    q = ((embed[P] + pos[2]) @ weights["blocks.0.attn.q.weight"].T + weights["blocks.0.attn.q.bias"])
    k = [(embed[:P] + pos[p]) @ weights["blocks.0.attn.k.weight"].T + weights["blocks.0.attn.k.bias"] for p in (0, 1)]
    preference = [(q.reshape(n_heads, -1)[h] * (k[0] - k[1]).reshape(P, n_heads, -1)[:, h]).sum(-1).mean()
                  for h in range(n_heads)]
    a = int(np.argmax(preference))
    return f"L0H{a}", f"L0H{1 - a}"


def relabel(weights: dict) -> Hypothesis:
    """The same mechanism located in another checkpoint's weights (`interp-puzzles universality`): its own key
    frequencies, and which head reads a."""
    embed = weights["embed.weight"]
    frequencies, (head_a, head_b) = key_frequencies(embed), reads_a(weights)
    labels = f"key frequencies {', '.join(map(str, frequencies))}; {head_a} reads a, {head_b} reads b"
    return Hypothesis(puzzle="modular_subtraction", description=__doc__, metadata={"labels": labels},
                      claims=claims(fourier(frequencies), head_a, head_b))
