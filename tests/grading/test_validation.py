"""Static checks of a hypothesis against its puzzle (harness/grading/validation.py): every name, position and
route must exist, and each mistake is a HypothesisError that names the claim, before any model runs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from harness.grader import grade
from harness.grading.validation import named_components, validate
from harness.hypothesis import (Algorithm, Attention, Circuit, Hypothesis, HypothesisError, Interchange, PathClaim,
                                Scrubbing, Subspace, load_hypothesis)
from harness.puzzle.components import ComponentSpace
from harness.wire import canonical
from helpers import previous_position, previous_token

REPO = Path(__file__).resolve().parents[2]


def copy_source(base: np.ndarray, source_values: np.ndarray) -> np.ndarray:
    return source_values


BAD_REDERIVE = {
    "wrong puzzle": (Hypothesis(puzzle="bigram_0l", claims=[Circuit(["embed"])]), ["'bigram_0l'", "'rederive_position'"]),
    "unknown head": (Hypothesis(puzzle="rederive_position", claims=[Circuit(["embed", "L0H0"]), Scrubbing("L2H0", previous_token)]),
                     ["'L2H0'", "does not exist"]),
    "unknown head index": (Hypothesis(puzzle="rederive_position", claims=[Circuit(["embed", "L0H1"])]), ["'L0H1'"]),
    "MLP on attention-only model": (Hypothesis(puzzle="rederive_position", claims=[
        Circuit(["embed"]), Algorithm(previous_token, explains=["MLP0"])]), ["'MLP0'"]),
    "interchange component": (Hypothesis(puzzle="rederive_position", claims=[
        Interchange("L1H1", previous_token, copy_source)]), ["'L1H1'"]),
    "positions out of range": (Hypothesis(puzzle="rederive_position", claims=[Circuit(["embed", "L1H0[12]"])]),
                               ["'L1H0[12]'", "0..9"]),
    "attention queries out of range": (Hypothesis(puzzle="rederive_position", claims=[
        Circuit(["embed"]), Attention("L1H0", previous_position, queries=[1, 2, 10])]), ["Attention claim 1", "[10]"]),
    "negative attention query": (Hypothesis(puzzle="rederive_position", claims=[
        Attention("L1H0", previous_position, queries=[-1, 3])]), ["[-1]"]),
    "attention on an unknown head": (Hypothesis(puzzle="rederive_position", claims=[Attention("L2H0", previous_position)]),
                                     ["'L2H0'"]),
    "path target upstream": (Hypothesis(puzzle="rederive_position", claims=[
        Circuit(["embed"]), PathClaim("L1H0", "L0H0.k")]), ["Path claim 1", "not downstream"]),
    "path into its own layer": (Hypothesis(puzzle="rederive_position", claims=[PathClaim("L1H0", "L1H0.v")]),
                                ["not downstream"]),
    "path target without input": (Hypothesis(puzzle="rederive_position", claims=[PathClaim("L0H0", "L1H0")]),
                                  ["'L1H0'", "L1H0.q"]),
    "path target unknown": (Hypothesis(puzzle="rederive_position", claims=[PathClaim("embed", "L3H0.v")]), ["'L3H0.v'"]),
    "subspace features on an unknown head": (Hypothesis(puzzle="rederive_position", claims=[
        Subspace("L2H0", features=previous_token)]), ["'L2H0'", "does not exist"]),
    "subspace with a basis and features": (Hypothesis(puzzle="rederive_position", claims=[
        Subspace("L1H0", np.eye(128)[:4], features=previous_token)]), ["Claim 0 (subspace) gives basis and features"]),
    "path source with input": (Hypothesis(puzzle="rederive_position", claims=[PathClaim("L0H0.q", "L1H0.k")]),
                               ["'L0H0.q'"]),
}


@pytest.mark.parametrize("case", list(BAD_REDERIVE))
def test_malformed_hypothesis_fails_before_the_model_runs(no_model, shipped, case):
    hypothesis, says = BAD_REDERIVE[case]
    with pytest.raises(HypothesisError) as exc:
        grade(hypothesis, puzzle=shipped("rederive_position"))
    for text in says:
        assert text in str(exc.value), str(exc.value)


def _validate(hypothesis, puzzle) -> None:
    validate(canonical(hypothesis), puzzle, ComponentSpace(puzzle.declaration, puzzle.model, 10))


def test_named_components_are_the_fields_that_name_components():
    f = previous_token
    assert named_components(Circuit(["embed", "L0H0[1]"])) == ["embed", "L0H0[1]"]
    assert named_components(PathClaim("L0H0", "L1H0.qk")) == ["L0H0"]  # the target is checked as a target
    assert [named_components(c) for c in (Attention("L1H0", f), Scrubbing("L1H0", f), Interchange("L1H0", f, copy_source),
                                          Subspace("L1H0", np.eye(4)[:1]), Subspace("L1H0", features=f))] \
        == [["L1H0"]] * 5
    assert named_components(Algorithm(f)) == []


def test_the_reference_hypothesis_passes_the_static_checks(shipped):
    _validate(load_hypothesis(REPO / "solutions" / "reference" / "rederive_position.py"), shipped("rederive_position"))


def test_a_path_claim_on_a_model_with_one_route_is_refused(shipped):
    puzzle = shipped("modular_addition_mlp")
    with pytest.raises(HypothesisError, match="Path claim 1: 'modular_addition_mlp' has no attention or residual"):
        validate(canonical(Hypothesis("modular_addition_mlp", [Circuit(["embed"]), PathClaim("embed", "MLP0")])),
                 puzzle, ComponentSpace(puzzle.declaration, puzzle.model, 2))


def test_an_interchange_claim_on_a_logit_difference_task_is_refused(shipped):
    puzzle = shipped("opposite_adjective_toy")
    space = ComponentSpace(puzzle.declaration, puzzle.model, puzzle.tensors(puzzle.generate(1, 1))["tokens"].shape[1])
    with pytest.raises(HypothesisError, match="Interchange claim 0: interchange claims need per-position labels"):
        validate(canonical(Hypothesis("opposite_adjective_toy", [Interchange("L0H0", previous_token, copy_source)])),
                 puzzle, space)
