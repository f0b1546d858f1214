"""Gaming decoy (self-reference): the module loads the model and answers with its own attention and outputs.

At import it loads the puzzle's checkpoint and precomputes, for every pair (a, b), the key the head attends to most
and the model's top token, then claims them as the attention rule and the algorithm. Both restate the model. The
grading worker refuses to import torch or the harness's model code, so the module cannot even be imported: the grade
is an error that names the refused import (exit code 2), which `pytest puzzles` counts as the check "isolation".
"""

import numpy as np

from harness import load_puzzle  # refused in the grading worker
from harness.hypothesis import Algorithm, Attention, Circuit, Hypothesis

EXPECTED_FAILURES = ["isolation"]

MODEL = load_puzzle("min_of_two_ints").model


def own_key(tokens):
    import torch

    _, cache = MODEL.run_with_cache(torch.from_numpy(tokens))
    return cache["blocks.0.attn.hook_pattern"][:, 0].argmax(-1).numpy()


def own_output(tokens):
    import torch

    return MODEL(torch.from_numpy(tokens)).argmax(-1).numpy()


hypothesis = Hypothesis(puzzle="min_of_two_ints", claims=[
    Circuit(["embed[0:2]", "L0H0[2]"]),
    Attention("L0H0", own_key, name="the head attends where it attends"),
    Algorithm(own_output, name="the model outputs what it outputs"),
])
