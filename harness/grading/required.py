"""Required questions: which passing claims answer one.

A puzzle's `[grading] required` questions each name the component(s) the answer is about and the claim kinds that
count. A question may also say where the answer must speak (`positions`) and what it must state (`form`), so that a
true claim beside the point does not answer it:

  positions   every listed position must be among those the claim speaks about: a component's claimed positions
              (scrubbing, interchange, subspace; a path's source), or the queries an attention claim is judged at.
              A component named without positions speaks about all of them.
  form        "inputs": a path whose target names which inputs of the reading heads carry it (q, k or v, never all
              three of one head, and not an MLP or the logits): "how do the layers compose" is not answered by "through
              every input at once". "variable": the claim says what the component carries (an interchange, a scrubbing
              feature, or a subspace with its variable and predict): a span alone says where, not what.

What each claim speaks about is recorded by the grader in `details["scope"]` (scope() below), so the criterion
matches questions on results alone.
"""

from __future__ import annotations

from typing import Any

from ..puzzle.components import ComponentSpace
from ..puzzle.questions import RequiredQuestion
from .context import ClaimResult

SUBJECT_FIELD = {"path": "source", "scrubbing": "component", "interchange": "component", "subspace": "component"}


def about(result: ClaimResult) -> str | None:
    """The component a passing claim is about ("output" for algorithm claims)."""
    if result.kind == "algorithm":
        return "output"
    return result.explains[0] if result.explains else None


def scope(claim: Any, result: ClaimResult, space: ComponentSpace) -> dict[str, Any]:
    """What `claim` speaks about: {"positions": sorted positions or None (all), "forms": the forms it states}."""
    positions = None
    if claim.kind == "attention":
        positions = result.details.get("query_positions")
    elif claim.kind in SUBJECT_FIELD:
        component = space.parse(getattr(claim, SUBJECT_FIELD[claim.kind]))
        positions = None if component.positions is None else sorted(int(p) for p in component.positions)
    forms = []
    if claim.kind in ("interchange", "scrubbing") or (claim.kind == "subspace" and claim.variable is not None):
        forms.append("variable")
    if claim.kind == "path":
        targets = space.parse_targets(claim.target)
        if all(t != "logits" and t.kind == "head" and t.input and len(set(t.input)) < 3 for t in targets):
            forms.append("inputs")
    return {"positions": positions, "forms": forms}


def answers(question: RequiredQuestion, result: ClaimResult) -> bool:
    """Whether `result` (a graded claim, with its scope) answers `question`."""
    if result.verdict != "pass" or result.kind not in question.kinds or about(result) not in question.components:
        return False
    speaks = result.details.get("scope", {})
    if question.positions is not None and speaks.get("positions") is not None:
        if not set(question.positions) <= set(speaks["positions"]):
            return False
    return question.form is None or question.form in speaks.get("forms", ())


def wanted(question: RequiredQuestion) -> str:
    """What would answer `question`, as a clause for the failure sentence."""
    text = f"a passing {' / '.join(question.kinds)} claim about {' or '.join(question.components)}"
    if question.positions is not None:
        text += f" that speaks about position{'s' if len(question.positions) > 1 else ''} " + \
                ", ".join(map(str, question.positions))
    if question.form == "inputs":
        text += ", whose target names which inputs of the reading heads carry it (not q, k and v at once)"
    elif question.form == "variable":
        text += ", stating what the component carries (an interchange, a scrubbing feature, or a subspace with its " \
                "variable and predict)"
    return text
