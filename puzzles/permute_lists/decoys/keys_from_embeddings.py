"""Wrong components: "layer 1's key is the positional embedding of d_j and its value the token d_j, read
straight from the embeddings".

Plausible for a one-step lookup, but layer 1 reads the list only through layer 0's output at positions 1-3
(which attends to itself there and re-encodes token and position): the direct embedding routes carry
none of the effect.
"""

from harness.hypothesis import Circuit, Hypothesis, PathClaim

EXPECTED_FAILURES = ["path.share", "path.only_through"]

hypothesis = Hypothesis(puzzle="permute_lists", claims=[
    Circuit(["embed[1,2,3,5,6,7,9,10]", "pos_embed[1,2,3,5,6,7,8,9,10]", "L0H0[1,2,3,8,9,10]", "L1H0[8,9,10]"]),
    PathClaim("pos_embed[1,2,3]", "L1H0.k", name="the key is d_j's position"),
    PathClaim("embed[1,2,3]", "L1H0.v", name="the value is d_j's token"),
])
