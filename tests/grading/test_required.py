"""Which claims answer a required question (harness/grading/required.py): the named component and kind, and, where the
question names them, the positions it asks about and the form of the answer. A true claim beside the point answers
nothing."""

from __future__ import annotations

import pytest

from harness.grading.context import ClaimResult
from harness.grading.criterion import decide
from harness.grading.required import answers, scope, wanted
from harness.hypothesis import Interchange, PathClaim, Scrubbing, Subspace
from harness.puzzle.declaration import GradingSpec, RequiredQuestion


def graded(kind: str, about: str, verdict: str = "pass", positions=None, forms=()) -> ClaimResult:
    return ClaimResult(0, kind, kind, verdict == "pass", 1.0, 0.9, (0.9, 1.0), 64, "mean",
                       [about] if verdict == "pass" else [], [] if verdict == "pass" else [f"{kind}.x"], "",
                       {"scope": {"positions": positions, "forms": list(forms)}}, verdict)


def ident(tokens):
    return tokens


def test_a_path_states_inputs_only_when_it_names_some_but_not_all_inputs_of_each_head(shipped):
    space = shipped("induction_2l")
    from harness.grading.grader import sample_space

    space = sample_space(space, 1, 4)[0]

    def forms(target: str) -> list[str]:
        return scope(PathClaim("L0H1", target), graded("path", "L0H1"), space)["forms"]

    assert forms("L1H0.k") == ["inputs"]
    assert forms("L1H0.k+L1H1.k") == ["inputs"]
    assert forms("L1H0.qk") == ["inputs"]
    assert forms("L1H0.qkv") == []  # every input at once says nothing about how the layers compose
    assert forms("L1H0.k+L1H1.qkv") == []
    assert forms("logits") == []
    assert scope(PathClaim("L0H1[11:25]", "L1H0.k"), graded("path", "L0H1"), space)["positions"] == list(range(11, 25))
    assert scope(Scrubbing("L0H0", ident), graded("scrubbing", "L0H0"), space) == {"positions": None,
                                                                                  "forms": ["variable"]}
    assert scope(Interchange("L1H0[25]", ident, lambda b, s: s), graded("interchange", "L1H0"), space) == {
        "positions": [25], "forms": ["variable"]}


def test_a_span_alone_does_not_state_what_it_carries(shipped):
    from harness.grading.grader import sample_space

    space = sample_space(shipped("modular_addition_mlp"), 1, 4)[0]
    span = Subspace("embed", features=lambda t: t[..., None].astype(float))
    carried = Subspace("embed", features=lambda t: t[..., None].astype(float), variable=ident, predict=lambda b, s: s)
    assert scope(span, graded("subspace", "embed"), space)["forms"] == []
    assert scope(carried, graded("subspace", "embed"), space)["forms"] == ["variable"]


@pytest.mark.parametrize("result, ok", [
    (graded("scrubbing", "L0H0", positions=[8, 9, 10]), True),
    (graded("scrubbing", "L0H0", positions=None), True),  # a component named without positions speaks about all
    (graded("scrubbing", "L0H0", positions=[7, 8, 9, 10, 11]), True),
    (graded("scrubbing", "L0H0", positions=[8]), False),  # END only: a1 and a2 are left out
    (graded("scrubbing", "L0H0", positions=[1, 2, 3]), False),  # beside the answer positions
    (graded("scrubbing", "L0H0", "vacuous", positions=[8, 9, 10]), False),
    (graded("scrubbing", "L1H0", positions=[8, 9, 10]), False),
    (graded("path", "L0H0", positions=[8, 9, 10]), False),
])
def test_positions_must_be_covered(result, ok):
    question = RequiredQuestion("What does L0H0 bring to each answer?", ("L0H0",), ("scrubbing",), (8, 9, 10))
    assert answers(question, result) is ok


def test_form_must_be_stated():
    question = RequiredQuestion("Through which input?", ("L0H0",), ("path",), None, "inputs")
    assert answers(question, graded("path", "L0H0", forms=["inputs"]))
    assert not answers(question, graded("path", "L0H0", forms=[]))
    assert "not q, k and v at once" in wanted(question)


def test_the_failure_sentence_says_what_would_answer():
    question = RequiredQuestion("What does L0H0 bring?", ("L0H0",), ("scrubbing",), (8, 9, 10), "variable")
    *_, failures, _, _ = decide(GradingSpec(circuit=False, required=(question,)),
                                [graded("scrubbing", "L0H0", positions=[8])], None, None)
    assert failures == ["Required question unanswered: What does L0H0 bring? (a passing scrubbing claim about L0H0 "
                        "that speaks about positions 8, 9, 10, stating what the component carries (an interchange, a "
                        "scrubbing feature, or a subspace with its variable and predict))."]
