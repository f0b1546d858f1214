"""A circuit claim naming 20,000 components (the wire format alone would allow 100,000 per claim)."""

from harness.hypothesis import Circuit, Hypothesis

hypothesis = Hypothesis(puzzle="bigram_0l", claims=[Circuit([f"embed[{i % 31}]" for i in range(20_000)])])
