"""`harness.relabel`: a reference's rule that locates its parts in another checkpoint's weights."""

from __future__ import annotations

import numpy as np
import pytest

import harness.universality as uni
from harness.cli import main
from harness.errors import HypothesisError
from harness.hypothesis import Attention, Circuit, Hypothesis, PathClaim, Subspace, module_attribute
from harness.puzzle.registry import REPO_ROOT
from harness.relabel import check_shipped, differences, load, relabelled, same_span

REFERENCES = sorted((REPO_ROOT / "solutions" / "reference").glob("*.py"))
WITH_RULES = [p.stem for p in REFERENCES if load(p)[1] is not None]


def keys(tokens):
    return np.zeros(tokens.shape, dtype=np.int64)


def claims(head: str, basis: np.ndarray, circuit=("embed", "L0H0", "L0H1")) -> list:
    return [Circuit(list(circuit)), Attention(head, keys), PathClaim("embed", f"{head}.v"), Subspace("embed", basis)]


BASIS = np.eye(4, 8)


def test_differences_name_each_moved_label_and_ignore_what_is_not_one():
    before = Hypothesis("p", claims("L0H0", BASIS))
    assert differences(before, before) == []
    renamed = Hypothesis("p", [Circuit(["L0H1", "embed", "L0H0"], name="other words")] + claims("L0H0", BASIS)[1:])
    assert differences(before, renamed) == []  # a circuit's components are a set; names are not labels
    rotated = (np.linalg.qr(np.random.default_rng(0).normal(size=(4, 4)))[0] * 3) @ BASIS  # the same span
    assert differences(before, Hypothesis("p", claims("L0H0", rotated))) == []
    moved = Hypothesis("p", claims("L0H1", np.eye(4, 8, k=1)))
    assert differences(before, moved) == ["claim 1 head: L0H0 -> L0H1", "claim 2 target: L0H0.v -> L0H1.v",
                                          "claim 3 basis: another span (4 rows, was 4)"]
    assert not same_span(BASIS, BASIS[:3]) and same_span(BASIS[::-1], BASIS)


def fourier(frequencies):
    w = 2 * np.pi * np.asarray(frequencies) / 113
    return lambda tokens: np.concatenate([np.cos(tokens[..., None] * w), np.sin(tokens[..., None] * w)], -1)


def test_subspace_features_are_compared_by_the_span_of_their_values_on_a_probe():
    """Features give the span the grader fits, which depends only on the span of their values (with a constant):
    reordered, rescaled or shifted features are the same label, other frequencies another."""
    def probe():
        return np.random.default_rng(0).integers(0, 113, (64, 2))

    def subspace(**span):
        return Hypothesis("p", [Subspace("embed", **span)])

    shipped = subspace(features=fourier([3, 5]))
    assert differences(shipped, subspace(features=lambda t: 2 * fourier([5, 3])(t)[..., ::-1] + 1), probe) == []
    assert differences(shipped, subspace(features=fourier([3, 6])), probe) == \
        ["claim 0 features: another span (4 features, was 4)"]
    assert differences(shipped, subspace(features=fourier([3])), probe) == \
        ["claim 0 features: another span (2 features, was 4)"]
    assert differences(shipped, subspace(basis=BASIS), probe) == ["claim 0 basis: none -> given",
                                                                  "claim 0 features: given -> none"]


def test_a_rule_giving_other_features_than_the_reference_is_refused():
    """On modular_addition_mlp's shipped checkpoint, a rule that swaps one key frequency for another is caught on
    the puzzle's dev sample."""
    path = REPO_ROOT / "solutions" / "reference" / "modular_addition_mlp.py"
    hypothesis, _ = load(path)
    claims_of, key = (module_attribute(path, name) for name in ("claims", "KEY_FREQUENCIES"))
    with pytest.raises(HypothesisError, match=r"claim 0 features: another span \(20 features, was 20\); claim 1 "):
        check_shipped(path, lambda w: Hypothesis(hypothesis.puzzle, claims_of(fourier(key[:-1] + [16]))),
                      hypothesis, {})
    check_shipped(path, lambda w: Hypothesis(hypothesis.puzzle, claims_of(fourier(key[::-1]))), hypothesis, {})


def test_a_rule_may_move_claims_but_not_drop_add_or_reorder_them(tmp_path):
    shipped = Hypothesis("p", claims("L0H0", BASIS))
    path = tmp_path / "h.py"
    assert relabelled(path, lambda w: Hypothesis("p", claims("L0H1", BASIS)), shipped, {})[1] == \
        ["claim 1 head: L0H0 -> L0H1", "claim 2 target: L0H0.v -> L0H1.v"]
    bad_rules = {
        "keep the claims of `hypothesis` in order": lambda w: Hypothesis("p", claims("L0H1", BASIS)[:3]),  # drops one
        "do not\ndrop": lambda w: Hypothesis("p", claims("L0H1", BASIS)[::-1]),
        "for puzzle q": lambda w: Hypothesis("q", claims("L0H0", BASIS)),
        "not a Hypothesis": lambda w: claims("L0H0", BASIS),
        "raised KeyError": lambda w: w["embed.weight"],
    }
    for words, rule in bad_rules.items():
        with pytest.raises(HypothesisError) as err:
            relabelled(path, rule, shipped, {})
        assert str(err.value).startswith(f"{path}: relabel(weights)")
        assert all(word in str(err.value) for word in words.split("\n")), str(err.value)


def test_on_the_shipped_checkpoint_a_rule_must_give_the_hypothesis_itself(tmp_path):
    shipped = Hypothesis("p", claims("L0H0", BASIS))
    check_shipped(tmp_path / "h.py", lambda w: Hypothesis("p", claims("L0H0", 2 * BASIS), metadata={"x": 1}),
                  shipped, {})
    with pytest.raises(HypothesisError, match="must give `hypothesis` itself, and it changes claim 1 head: L0H0 -> L0H1"):
        check_shipped(tmp_path / "h.py", lambda w: Hypothesis("p", claims("L0H1", BASIS)), shipped, {})


@pytest.mark.parametrize("name", WITH_RULES)
def test_each_reference_rule_gives_the_reference_on_its_shipped_checkpoint(name):
    uni.check_rule(name)  # raises if not


def test_the_references_with_rules():
    """The puzzles whose references' labels are seed-specific in a way a rule can find from the weights."""
    assert {"modular_addition_mlp", "modular_subtraction"} <= set(WITH_RULES)


def test_universality_grades_a_rule_beside_the_names(tmp_path, monkeypatch):
    """A rule that moves nothing gives the grade as named, seed by seed; its report says so on every line."""
    source = (REPO_ROOT / "solutions" / "reference" / "bigram_0l.py").read_text()
    reference = tmp_path / "bigram_0l.py"
    reference.write_text(source + "\n\ndef relabel(weights):\n"
                                  "    assert weights and all(hasattr(v, 'shape') for v in weights.values())\n"
                                  "    return hypothesis\n")
    monkeypatch.setattr(uni, "CACHE", tmp_path / "cache")
    monkeypatch.setattr(uni, "reference_path", lambda name: reference)
    report = uni.universality("bigram_0l", [1, 2], steps=30, decoys=False)
    assert report.holds_relabelled == report.holds
    for seed in report.seeds:
        assert seed.relabelled.changes == [] and seed.relabelled.claims == seed.claims
    assert f"relabelled by its rule (its parts located in each seed's weights), on {report.holds} of 2" in \
        report.verdict()
    assert "relabelled: solved" in report.table()
    summary = report.summary()
    assert summary["holds_relabelled"] == report.holds
    path = uni.record(summary, tmp_path)
    assert f"holds on {report.holds} of 2 as named, on {report.holds} of 2 with its parts relabelled" in \
        uni.recorded(tmp_path, ["bigram_0l"])["bigram_0l"]
    assert path.is_file()


def test_a_rule_that_does_not_reproduce_the_reference_stops_the_run(tmp_path, monkeypatch, capsys):
    source = (REPO_ROOT / "solutions" / "reference" / "modular_subtraction.py").read_text()
    reference = tmp_path / "modular_subtraction.py"
    reference.write_text(source.replace("a = int(np.argmax(preference))", "a = int(np.argmin(preference))"))
    monkeypatch.setattr(uni, "reference_path", lambda name: reference)

    def no_training(*args, **kwargs):
        pytest.fail("a seed was trained before the rule was checked")

    monkeypatch.setattr("harness.puzzle.training.train", no_training)
    with pytest.raises(HypothesisError, match="claim 3 head: L0H0 -> L0H1"):
        uni.universality("modular_subtraction", [1], cache=tmp_path)
    assert main(["universality", "modular_subtraction", "--seeds", "1"]) == 2  # a sentence, no traceback
    assert capsys.readouterr().err.startswith(f"error: {reference}: relabel(the shipped checkpoint's weights) must")
