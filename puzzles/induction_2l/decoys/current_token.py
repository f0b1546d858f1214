"""Plausible wrong mechanism: "the layer-0 heads mark each token itself (a duplicate-token detector) and layer 1
matches on it".

The layer-0 heads at the key positions carry the *previous* token (0.64 / 0.78 of their attention is on the
previous position), not the current one: resampling them among units that share only the current token keeps
almost nothing of the metric.
"""

from harness.hypothesis import Circuit, Hypothesis, Scrubbing

EXPECTED_FAILURES = ["scrubbing"]

hypothesis = Hypothesis(puzzle="induction_2l", claims=[
    Circuit(["embed[9:32]", "pos_embed[0:25]", "L0H0[10:25]", "L0H1[10:25]", "L1H0[25:32]"]),
    Scrubbing("L0H0[11:25]", lambda tokens: tokens, name="L0H0 carries the current token"),
    Scrubbing("L0H1[11:25]", lambda tokens: tokens, name="L0H1 carries the current token"),
])
