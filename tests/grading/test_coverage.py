"""Where a claim holds (harness/grading/coverage.py and its users): a circuit must keep the model's answers at every
counted position and leave out nothing that recovers δ; scrubbing and interchange claims must hold at each position,
not only on average. Each case is a claim that passes the averaged check and fails the per-position one, beside the
true claim that passes both."""

from __future__ import annotations

import numpy as np
import pytest

import harness
from harness.grading import grade
from harness.hypothesis import Circuit, Hypothesis, Interchange, Scrubbing
from helpers import previous_token

SORT_POS = [*range(1, 14), 20]


@pytest.fixture(scope="module")
def ptm():
    return harness.load_puzzle("previous_token_mlp")


def test_a_circuit_must_keep_the_answers_at_every_counted_position():
    """sort_fixed_len_list without the position code of MID: 0.95 of the metric on average, half the answers at 11."""
    puzzle = harness.load_puzzle("sort_fixed_len_list")

    def circuit(positions):
        return Circuit(["embed[1:21]", f"pos_embed[{','.join(map(str, positions))}]", "L0H0[11:21]"])

    true, missing = grade(Hypothesis("sort_fixed_len_list", [circuit(SORT_POS), circuit([p for p in SORT_POS if p != 11])]),
                          puzzle=puzzle, n=256).claims
    assert true.passed and min(true.details["answers_kept"]["by_position"]) >= 0.9
    assert missing.value >= 0.9 and missing.failures == ["circuit.positions"] and "position 11" in missing.message
    kept = missing.details["answers_kept"]
    assert kept["first_position"] == 11 and int(np.argmin(kept["by_position"])) == 0 and kept["by_position"][0] < 0.6


def test_a_circuit_that_leaves_out_what_recovers_delta_is_incomplete():
    """majority_element: a vote over the first seven of ten items keeps 0.91 of the metric; the other three recover
    0.09 when put back."""
    puzzle = harness.load_puzzle("majority_element")
    true, seven = grade(Hypothesis("majority_element", [Circuit(["embed[1:11]", "L0H0[11]"]),
                                                        Circuit(["embed[1:8]", "L0H0[11]"])]), puzzle=puzzle).claims
    assert true.passed and true.details["missing"] == []
    assert seven.value >= 0.9 and seven.failures == ["circuit.completeness"] and seven.details["missing"] == ["embed"]
    assert seven.details["put_back"]["embed"] >= 0.05 > true.details["put_back"]["embed"]


def test_a_scrubbing_feature_wrong_at_one_position_fails_there(ptm):
    def wrong_at_12(tokens):
        out = previous_token(tokens)
        out[:, 12] = tokens[:, 12]
        return out

    true, wrong = grade(Hypothesis("previous_token_mlp", [Scrubbing("MLP0", previous_token), Scrubbing("MLP0", wrong_at_12)]),
                        puzzle=ptm, n=128).claims
    assert true.passed and wrong.value >= 0.9 and wrong.failures == ["scrubbing.positions"] and "position 12" in wrong.message
    assert true.details["answers_kept"]["judged"][11] and wrong.details["answers_kept"]["by_position"][11] < 0.5


def test_an_interchange_wrong_at_one_position_fails_there(ptm):
    def unchanged_at_12(base, source_previous):
        out = source_previous.copy()
        out[:, 12] = previous_token(base)[:, 12]
        return out

    true, wrong = grade(Hypothesis("previous_token_mlp", [
        Interchange("MLP0", previous_token, lambda base, source: source),
        Interchange("MLP0", previous_token, unchanged_at_12)]), puzzle=ptm, n=128).claims
    assert true.passed and min(p for p in true.details["by_position"] if p >= 0) >= 0.9
    assert wrong.value >= 0.9 and wrong.details["overall"] >= 0.9  # the averages pass
    assert wrong.failures == ["interchange.positions"] and wrong.details["by_position"][12] < 0.5
