"""Gaming decoy: a rule that claims every key but BOS.

"L1H0 attends to the sequence" covers nearly all of its attention, but so would a uniform head: judged against
chance it says almost nothing. It claims 97% of the attendable keys, so even a head attending only there would score
0.035 above chance: the claim cannot pass, earns nothing (VACUOUS, `attention.broad`: true as far as it goes, it does
not fail the hypothesis), and leaves the required question about the layer-1 heads unanswered.
"""

import numpy as np

from harness.hypothesis import Attention, Circuit, Hypothesis

EXPECTED_FAILURES = ["attention.broad", "required"]


def all_but_bos(tokens):
    keys = np.tri(tokens.shape[1], dtype=bool)
    keys[:, 0] = False
    return np.broadcast_to(keys, (len(tokens), *keys.shape)).copy()


hypothesis = Hypothesis(puzzle="induction_2l", claims=[
    Circuit(["embed[9:32]", "pos_embed[0:25]", "L0H0[10:25]", "L0H1[10:25]", "L1H0[25:32]"]),
    Attention("L1H0", all_but_bos, name="L1H0 attends to the sequence"),
])
