"""Reference hypothesis for opposite_adjective_gpt2 — built from the seed study, NOT yet graded.

The seed's direct logit attribution on GPT-2 small found two heads that write the antonym-minus-
adjective direction (L9H7, L10H7) and one that writes against it (L10H1). This hypothesis states
that as checkable claims: the two positive heads act on the logit difference through the direct
path to the logits, and together with the embeddings and MLPs they form a faithful circuit (the
negative head is left out: removing it raises the metric). The GPT-2 weights cannot be fetched on
the project's machines, so `pytest puzzles` skips this reference; it is graded where the weights
are cached (`interp-puzzles grade solutions/reference/opposite_adjective_gpt2.py`).
"""

from harness.hypothesis import Circuit, Hypothesis, PathClaim

MLPS = [f"MLP{layer}" for layer in range(12)]

hypothesis = Hypothesis(
    puzzle="opposite_adjective_gpt2",
    description=__doc__,
    metadata={"needs_weights": "gpt2", "graded": False},
    claims=[
        Circuit(["embed", *MLPS, "L9H7", "L10H7"], name="embeddings, MLPs and the two positive heads"),
        PathClaim("L9H7", "logits", name="L9H7 writes the logit difference directly"),
        PathClaim("L10H7", "logits", name="L10H7 writes the logit difference directly"),
    ],
)
