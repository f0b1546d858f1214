"""Static checks of a hypothesis against its puzzle: every name and position must exist, before any model runs."""

from __future__ import annotations

from ..hypothesis import Hypothesis, HypothesisError, component_fields
from ..puzzle.components import ComponentSpace, check_downstream


def named_components(claim) -> list[str]:
    """Every component name a claim mentions (its fields with role "component" in the registry)."""
    names: list[str] = []
    for field in component_fields(claim.kind):
        value = getattr(claim, field)
        names += [value] if isinstance(value, str) else list(value)
    return names


def validate(hypothesis: Hypothesis, puzzle, space: ComponentSpace) -> None:
    """Names, positions and routes against this puzzle (the hypothesis has been through harness.wire.canonical)."""
    if hypothesis.puzzle != puzzle.name:
        raise HypothesisError(f"The hypothesis is for puzzle {hypothesis.puzzle!r}, but it is being graded on "
                              f"{puzzle.name!r}. Set Hypothesis(puzzle={puzzle.name!r}) or grade it on its own puzzle.")
    for i, claim in enumerate(hypothesis.claims):  # field types were checked on the way in (harness.wire)
        if claim.kind == "attention" and space.parse(claim.head).kind != "head":
            raise HypothesisError(f"Attention claim {i} names {claim.head!r}, which is not an attention head (e.g. L1H0).")
        names = named_components(claim)
        if claim.kind == "circuit" and not names:
            raise HypothesisError(f"Circuit claim {i} lists no components; name at least one.")
        for name in names:
            space.parse(name)
        if claim.kind == "path" and not space.transformer:
            raise HypothesisError(f"Path claim {i}: {puzzle.name!r} has no attention or residual routes to choose "
                                  "between (every input reaches the output through the one MLP); use subspace, "
                                  "scrubbing or interchange claims.")
        if claim.kind == "path":
            for target in space.parse_targets(claim.target):
                check_downstream(space.parse(claim.source), target, f"Path claim {i}")
        if claim.kind == "attention" and claim.queries is not None:
            bad = [q for q in claim.queries if not 0 <= q < space.n_ctx]
            if bad:
                raise HypothesisError(f"Attention claim {i} has query positions {bad} outside 0..{space.n_ctx - 1}.")
        if claim.kind == "interchange" and puzzle.declaration.task.metric == "logit_diff":
            raise HypothesisError(f"Interchange claim {i}: interchange claims need per-position labels, which the "
                                  f"logit-difference task of {puzzle.name!r} does not have. Use a path or scrubbing claim.")
