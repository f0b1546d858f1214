"""Required questions of a puzzle (`[grading] required`): what each asks, and how puzzle.toml writes them.

harness.grading.required decides which graded claims answer one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

# what a required question's answer must state, beyond its kind (harness.grading.required says how each is read):
#   inputs    a path whose target names which inputs of the reading heads carry it (q, k, v; not all three of a head)
#   variable  a claim that says what the component carries: an interchange, a scrubbing feature, or a subspace with
#             its variable and predict (a span alone says where, not what)
REQUIRED_FORMS = ("inputs", "variable")


@dataclass(frozen=True)
class RequiredQuestion:
    question: str  # shown to solvers, e.g. "How does the model derive position?"
    components: tuple[str, ...]  # the answer must be about one of these (base names, or "output" for algorithm claims)
    kinds: tuple[str, ...]  # claim kinds that count as an answer, e.g. ("scrubbing", "path")
    positions: tuple[int, ...] | None = None  # the answer must speak about every one of these positions (None: any)
    form: str | None = None  # what the answer must state (REQUIRED_FORMS), e.g. "inputs"; None: any claim of the kinds

    @property
    def component(self) -> str:
        return " or ".join(self.components)


def read_required(items: list, kinds: tuple[str, ...],
                  fail: Callable[[str, str], Exception]) -> tuple[RequiredQuestion, ...]:
    """The questions of a `required = [...]` list; `fail(problem, fix)` makes the error naming the field."""
    required = []
    for i, item in enumerate(items):
        component = item.get("component") if isinstance(item, dict) else None
        components = [component] if isinstance(component, str) else component
        positions = item.get("positions") if isinstance(item, dict) else None
        if (not isinstance(item, dict) or not {"question", "component", "kinds"} <= set(item)
                or not set(item) <= {"question", "component", "kinds", "positions", "form"} or not components
                or not all(isinstance(c, str) for c in components) or not isinstance(item["kinds"], list)
                or not set(item["kinds"]) <= set(kinds) or not item["kinds"]
                or item.get("form", REQUIRED_FORMS[0]) not in REQUIRED_FORMS
                or not (positions is None or (isinstance(positions, list) and positions
                                              and all(type(q) is int and q >= 0 for q in positions)))):
            raise fail(f"entry {i} is {item!r}.",
                   'Write each as {question = "...", component = "L0H0" (or a list of alternatives, or "output" '
                   f'for algorithm claims), kinds = ["scrubbing"]}}, with kinds from {", ".join(kinds)}; '
                   'optionally positions = [8, 9] (the answer must speak about each) and form = one of '
                   f'{", ".join(REQUIRED_FORMS)}.')
        required.append(RequiredQuestion(str(item["question"]), tuple(components), tuple(item["kinds"]),
                                         None if positions is None else tuple(positions), item.get("form")))
    return tuple(required)
