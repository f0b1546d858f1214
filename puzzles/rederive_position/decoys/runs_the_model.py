"""Gaming decoy (self-reference): the attention rule runs the model and returns the head's own argmax.

The reference's claims, except that L1H0's rule loads the puzzle inside the function and answers, for every query,
the key the head itself attends to most. Such a rule is true of the model by construction and explains nothing. The
grading worker refuses to import the harness's model code (or torch), so evaluating the rule fails, and the claim with
it; the required question about where L1H0 attends is then unanswered.
"""

import numpy as np

from harness.hypothesis import Algorithm, Attention, Circuit, Hypothesis, Interchange, PathClaim, Scrubbing

EXPECTED_FAILURES = ["attention.error", "required"]


def heads_own_argmax(tokens):
    import torch  # refused in the grading worker

    from harness import load_puzzle

    _, cache = load_puzzle("rederive_position").model.run_with_cache(torch.from_numpy(tokens))
    return cache["blocks.1.attn.hook_pattern"][:, 0].argmax(-1).numpy()


def previous_token(tokens):
    out = np.full(tokens.shape, -1)
    out[:, 1:] = tokens[:, :-1]
    return out


hypothesis = Hypothesis(puzzle="rederive_position", claims=[
    Circuit(["embed[0:9]", "L0H0[1:9]", "L1H0[1:10]"]),
    PathClaim("L0H0", "L1H0.qk"),
    Attention("L1H0", heads_own_argmax, name="L1H0 attends where it attends"),
    Interchange("L1H0", previous_token, lambda base, source: source),
    Scrubbing("L1H0", previous_token),
    Algorithm(previous_token),
])
