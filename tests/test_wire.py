"""Claims as plain data and back (harness/wire.py): every claim kind round-trips through JSON with its functions,
a solver's malformed hypothesis is a HypothesisError naming the claim and field, and data from a worker that does
not have the expected shape is a WireError naming the claim."""

from __future__ import annotations

import json

import numpy as np
import pytest

from harness.errors import WireError
from harness.hypothesis import (Algorithm, Attention, Circuit, Hypothesis, HypothesisError, Interchange, PathClaim,
                                Scrubbing, Subspace)
from harness.wire import canonical, from_wire, to_wire
from helpers import RP


def test_a_subspace_basis_travels_on_the_wire():
    from harness.wire import from_wire, to_wire

    basis = np.random.default_rng(1).standard_normal((3, 8))
    spec, functions = to_wire(Hypothesis(RP, [Subspace("L1H0", basis)]))
    back = from_wire(json.loads(json.dumps(spec)), lambda i, kind, name: functions[(i, name)]).claims[0]
    assert back.variable is None and back.predict is None
    np.testing.assert_array_equal(back.basis, basis)


def rule(tokens):
    return tokens


def predict(base, values):
    return values


EVERY_KIND = Hypothesis(RP, [
    Circuit(["embed[0:9]", "L0H0"], name="c"),
    Attention("L1H0", rule, queries=range(1, 4)),
    Scrubbing("L1H0[1:10]", rule),
    PathClaim("L0H0", "L1H0.qk"),
    Algorithm(rule, explains=["L1H0"]),
    Interchange("L1H0", rule, predict),
    Subspace("L1H0", np.eye(4)[:2], variable=rule, predict=predict),
], description="words", metadata={"seed": 3, "tags": ["a", 1.5], "bad": float("nan"), "obj": object()})


def back(spec, functions):
    return from_wire(json.loads(json.dumps(spec)), lambda i, kind, name: functions[(i, name)])


def test_subspace_features_travel_as_a_function_and_the_basis_as_null():
    def features(tokens):
        return tokens[..., None].astype(float)

    spec, functions = to_wire(Hypothesis(RP, [Subspace("L1H0", features=features, variable=rule, predict=predict)]))
    assert spec["claims"][0]["basis"] is None and spec["claims"][0]["functions"] == ["variable", "predict", "features"]
    claim = back(spec, functions).claims[0]
    assert claim.basis is None and claim.features is features and claim.variable is rule


@pytest.mark.parametrize("claim, says", [
    (Subspace("L1H0"), "Claim 0 (subspace) gives none of basis, features; give exactly one of them."),
    (Subspace("L1H0", np.eye(4)[:1], features=rule), "Claim 0 (subspace) gives basis and features; give exactly one"),
    (Subspace("L1H0", features=rule, variable=rule), "Claim 0 (subspace) gives only some of variable, predict"),
    (Subspace("L1H0", features=3), "Claim 0 (subspace) field `features` is not callable"),
])
def test_a_subspace_gives_exactly_one_of_basis_and_features(claim, says):
    with pytest.raises(HypothesisError) as exc:
        to_wire(Hypothesis(RP, [claim]))
    assert str(exc.value).startswith(says) and str(exc.value).endswith("."), str(exc.value)


def test_every_claim_kind_round_trips_through_json_with_its_functions():
    spec, functions = to_wire(EVERY_KIND)
    rebuilt = back(spec, functions)
    assert rebuilt.puzzle == RP and rebuilt.description == "words"
    assert rebuilt.metadata == {"seed": 3, "tags": ["a", 1.5]}  # what is not plain JSON is dropped
    assert [c.kind for c in rebuilt.claims] == [c.kind for c in EVERY_KIND.claims]
    assert rebuilt.claims[1].queries == [1, 2, 3] and rebuilt.claims[1].rule is rule
    assert rebuilt.claims[3].target == "L1H0.qk" and rebuilt.claims[4].explains == ["L1H0"]
    assert rebuilt.claims[5].variable is rule and rebuilt.claims[5].predict is predict
    np.testing.assert_array_equal(rebuilt.claims[6].basis, np.eye(4)[:2])
    assert set(functions) == {(1, "rule"), (2, "feature"), (4, "predict"), (5, "variable"), (5, "predict"),
                              (6, "variable"), (6, "predict")}
    assert canonical(EVERY_KIND).claims[0] == rebuilt.claims[0]


class MyCircuit(Circuit):
    pass


@pytest.mark.parametrize("hypothesis, says", [
    ("not a hypothesis", "`hypothesis` is a str"),
    (Hypothesis(RP, "L1H0"), "Hypothesis.claims is a str"),
    (Hypothesis(RP, [Circuit(["embed"]), MyCircuit(["embed"])]), "Claim 1 is a MyCircuit"),
    (Hypothesis(RP, [Circuit("embed")]), "Claim 0 (circuit) field `components` is a single string"),
    (Hypothesis(RP, [Circuit([3])]), "Claim 0 (circuit) field `components`[0] is an int"),
    (Hypothesis(RP, [Attention("L1H0", rule, queries=[1.5])]), "Claim 0 (attention) field `queries` must be integer"),
    (Hypothesis(RP, [Attention("L1H0", rule, queries=[True])]), "Claim 0 (attention) field `queries`"),
    (Hypothesis(RP, [Scrubbing("L1H0", 3)]), "Claim 0 (scrubbing) field `feature` is not callable"),
    (Hypothesis(RP, [Subspace("L1H0", np.eye(4)[:1], predict=predict)]), "gives only some of variable, predict"),
    (Hypothesis(RP, [Subspace("L1H0", np.full((1, 4), np.inf))]), "finite numbers"),
    (Hypothesis(3, []), "Hypothesis.puzzle is an int"),
])
def test_a_malformed_hypothesis_is_a_sentence_naming_the_claim_and_field(hypothesis, says):
    with pytest.raises(HypothesisError) as exc:
        to_wire(hypothesis)
    message = str(exc.value)
    assert says in message and message.endswith("."), message


def _spec():
    spec, _ = to_wire(Hypothesis(RP, [Circuit(["embed"]), Attention("L1H0", rule), Subspace("L1H0", np.eye(4)[:1])]))
    return json.loads(json.dumps(spec))


def _set(path, value):
    def edit(spec):
        target = spec
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return spec
    return edit


@pytest.mark.parametrize("edit, says", [
    (lambda s: [s], "not an object with exactly puzzle"),
    (lambda s: {**s, "extra": 1}, "not an object with exactly puzzle"),
    (_set(["claims", 0, "kind"], "oracle"), "claim 0 has no known kind"),
    (_set(["claims", 0, "extra"], 1), "claim 0 (circuit) has fields"),
    (_set(["claims", 1, "functions"], []), "claim 1 (attention) lists functions"),
    (_set(["claims", 1, "queries"], [1, "2"]), "claim 1 (attention) field queries"),
    (_set(["claims", 0, "components"], "embed"), "claim 0 (circuit) field components"),
    (_set(["claims", 2, "basis", "shape"], [2, 4]), "claim 2 (subspace) field basis is not an array"),
    (_set(["claims", 2, "basis", "data"], [1e400, 0.0, 0.0, 0.0]), "claim 2 (subspace) field basis holds numbers"),
    (_set(["claims", 2, "basis"], None), "claim 2 (subspace) gives none of basis, features"),
    (_set(["claims", 2, "functions"], ["features"]), "claim 2 (subspace) gives basis and features"),
    (_set(["claims", 2, "functions"], ["predict", "variable"]), "claim 2 (subspace) lists functions"),
    (_set(["claims", 2, "functions"], ["features", "features"]), "claim 2 (subspace) lists functions"),
    (_set(["claims", 2, "functions"], [["features"]]), "claim 2 (subspace) lists functions"),
    (_set(["claims", 2, "functions"], ["variable"]), "claim 2 (subspace) gives only some of variable, predict"),
    (_set(["puzzle"], "x" * 1001), "the puzzle name"),
    (_set(["metadata"], []), "the metadata is not an object"),
])
def test_malformed_data_from_a_worker_is_a_wire_error_naming_the_claim(edit, says):
    functions_asked = []
    with pytest.raises(WireError) as exc:
        from_wire(edit(_spec()), lambda i, kind, name: functions_asked.append((i, name)))
    assert says in str(exc.value), str(exc.value)
