"""Plausible wrong mechanism: V-composition — "the layer-1 heads copy what the layer-0 heads wrote: the previous
token travels through their *values*".

The layer-1 heads do copy through their values, but what they copy is the token embedding at the attended
position; the layer-0 heads' output matters only where it shapes the attention, through the keys. Ablating L0H1
for both layer-1 heads' values costs none of its effect, and with only that route kept the effect is gone. The
claim names both heads, so a backup head cannot be blamed for the failure.
"""

from harness.hypothesis import PathClaim, Hypothesis

EXPECTED_FAILURES = ["path.share", "path.only_through", "required"]

hypothesis = Hypothesis(puzzle="induction_2l", claims=[
    PathClaim("L0H1", "L1H0.v+L1H1.v", name="V-composition: L0H1 reaches the induction heads through their values"),
])
