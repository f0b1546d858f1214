"""Wrong feature: "the head's output encodes the current value; the unembedding maps it to the next one".

The head's output is not a function of the current value: the next value depends on which other values
are in the list. Resampling the head's output among inputs that share the current value (but not the
list) destroys most of the performance.
"""

from harness.hypothesis import Circuit, Hypothesis, Scrubbing

EXPECTED_FAILURES = ["scrubbing"]

POS = "pos_embed[1:21]"

hypothesis = Hypothesis(puzzle="sort_fixed_len_list", claims=[
    Circuit(["embed[1:21]", POS, "L0H0[11:21]"]),
    Scrubbing("L0H0", lambda tokens: tokens.copy(), name="head output depends only on the current token"),
])
