"""Does not parse."""

hypothesis = Hypothesis(puzzle="bigram_0l", claims=[
