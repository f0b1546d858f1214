"""The baselines (harness/leaderboard/baselines.py): each kind builds a well-formed hypothesis for a puzzle, the
random circuit has the reference's size, and the ablation finder keeps the components whose ablation costs δ.
(That no baseline solves a puzzle is a grading rule: tests/test_grading_rules.py.)"""

from __future__ import annotations

import pytest

from harness.grading.validation import validate
from harness.leaderboard.baselines import BASELINES, ablation_finder_circuit, baseline_hypothesis, random_circuit
from harness.puzzle.components import ComponentSpace
from harness.wire import canonical
from helpers import RP


def units(circuit: list[str], space: ComponentSpace) -> set[tuple[str, int]]:
    out = set()
    for name in circuit:
        comp = space.parse(name)
        out |= {(comp.base, p) for p in (comp.positions if comp.positions is not None else range(space.n_ctx))}
    return out


@pytest.fixture(scope="module")
def space(shipped):
    puzzle = shipped(RP)
    return ComponentSpace(puzzle.declaration, puzzle.model, 10)


def test_a_random_circuit_has_the_reference_size_and_depends_on_the_seed(shipped, space):
    puzzle = shipped(RP)
    circuit = random_circuit(puzzle, 5, 7)
    assert len(units(circuit, space)) == 7
    assert random_circuit(puzzle, 5, 7) == circuit and random_circuit(puzzle, 6, 7) != circuit
    assert len(units(random_circuit(puzzle, 5, 10_000), space)) == 3 * 10  # capped at every unit there is


def test_the_ablation_finder_keeps_the_components_that_matter(shipped):
    kept = ablation_finder_circuit(shipped(RP), shipped(RP).declaration.grading.seed)
    assert {"L0H0", "L1H0"} <= set(kept) and set(kept) <= {"embed", "L0H0", "L1H0"}


@pytest.mark.parametrize("kind", list(BASELINES))
def test_every_baseline_is_a_well_formed_hypothesis_for_the_puzzle(shipped, space, kind):
    puzzle = shipped(RP)
    hypothesis = baseline_hypothesis(kind, puzzle, puzzle.declaration.grading.seed, reference_size=12)
    assert hypothesis.puzzle == RP
    validate(canonical(hypothesis), puzzle, space)  # raises HypothesisError on any bad name, position or route
    kinds = [c.kind for c in hypothesis.claims]
    expected = {"baseline-empty": [], "baseline-whole-model": ["circuit"], "baseline-random-circuit": ["circuit"],
                "baseline-ablation-finder": ["circuit"], "baseline-finder-label": ["circuit", "algorithm"],
                "baseline-finder-tautologies": ["circuit", "scrubbing", "path", "interchange"]}[kind]
    assert kinds == expected
    if kind == "baseline-whole-model":
        assert hypothesis.claims[0].components == ["embed", "L0H0", "L1H0"]


def test_a_baseline_that_needs_the_reference_size_is_skipped_without_it_and_unknown_kinds_are_refused(shipped):
    puzzle = shipped(RP)
    assert baseline_hypothesis("baseline-random-circuit", puzzle, 1, None) is None
    with pytest.raises(ValueError, match="Unknown baseline 'baseline-oracle'; known: baseline-empty"):
        baseline_hypothesis("baseline-oracle", puzzle, 1, 3)
