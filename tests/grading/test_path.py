"""Path claims (harness/grading/path.py): a path explains its source only and is tested "only through", naming
every input of a head is padding, a route that leaves the model hedging fails on top-1 answers; the readers of a
component are every later input."""

from __future__ import annotations

import harness
from harness.grading import grade
from harness.grading.path import readers
from harness.hypothesis import Hypothesis, PathClaim
from harness.puzzle.components import ComponentSpace
from helpers import RP


def test_path_claims_explain_their_source_only_and_test_only_through(rp):
    report = grade(Hypothesis(RP, [PathClaim("L0H0", "L1H0.qk"), PathClaim("embed", "L1H0.v")]), puzzle=rp, n=64)
    good, leaky = report.claims
    assert good.passed and good.explains == ["L0H0"]
    assert leaky.details["share"] > 1 and "path.only_through" in leaky.failures  # the token also reaches q and k
    assert "cancel" in leaky.message


def test_a_path_cannot_name_every_input_of_a_head_to_dodge_the_question(rp):
    """L1H0 is L0H0's only reader besides the logits: ".qkv" would pass 'only through' without saying which input."""
    padded, right = grade(Hypothesis(RP, [PathClaim("L0H0", "L1H0.qkv"), PathClaim("L0H0", "L1H0.qk")]),
                          puzzle=rp, n=64).claims
    assert padded.failures == ["path.padded"] and "L1H0.v" in padded.message
    assert right.passed and set(right.details["inputs"]) == {"L1H0.q", "L1H0.k"}


def test_a_route_that_leaves_the_model_hedging_does_not_pass_as_the_only_route():
    """min_of_two_ints: with the numbers only in the head's value, attention stops choosing; cross-entropy still
    keeps most of the metric for a hedge between the candidates, top-1 answers do not, and the path fails.
    The true routes elsewhere still pass."""
    puzzle = harness.load_puzzle("min_of_two_ints")
    value_only = grade(Hypothesis("min_of_two_ints", [PathClaim("embed", "L0H0.v")]), puzzle=puzzle, n=1024).claims[0]
    assert value_only.details["by_top1"] and "path.only_through" in value_only.failures
    assert value_only.details["kept"] < 0.5
    right = grade(Hypothesis(RP, [PathClaim("L0H0", "L1H0.qk")]), puzzle=harness.load_puzzle(RP), n=128).claims[0]
    assert right.passed and right.details["by_top1"]


def _space(puzzle) -> ComponentSpace:
    return ComponentSpace(puzzle.declaration, puzzle.model, 10)


def test_the_readers_of_a_head_are_later_heads_inputs_and_the_logits(shipped):
    space = _space(shipped(RP))  # attention only: 2 layers of one head
    assert readers(space, space.parse("L0H0")) == ["L1H0.q", "L1H0.k", "L1H0.v", "logits"]
    assert readers(space, space.parse("L1H0")) == ["logits"]
    assert readers(space, space.parse("embed")) == ["L0H0.q", "L0H0.k", "L0H0.v", "L1H0.q", "L1H0.k", "L1H0.v",
                                                    "logits"]


def test_an_mlp_reads_heads_of_its_own_layer_and_an_mlp_is_read_by_later_mlps(shipped):
    space = _space(shipped("previous_token_mlp"))  # 2 layers of 4 heads and an MLP
    from_head = readers(space, space.parse("L0H2"))
    assert "MLP0" in from_head and "MLP1" in from_head and not any(r.startswith("L0H") for r in from_head)
    assert readers(space, space.parse("MLP0")) == [f"L1H{h}.{i}" for h in range(4) for i in "qkv"] + ["MLP1", "logits"]
    assert readers(space, space.parse("MLP1")) == ["logits"]


def test_two_heads_that_back_each_other_up_are_one_route_and_an_idle_reader_is_padding(shipped):
    """induction_2l: L0H1 reaches the layer-1 induction heads through their keys, and L1H1 takes over when L1H0's key
    alone loses it (L1H0.k alone carries ~0.13 of the effect, L1H1.k ~0.01). Through both keys passes — each is
    needed as the other's backup —, one key alone fails, queries fail, and adding an idle reader is padding, as is
    naming every reader but the logits."""
    puzzle = shipped("induction_2l")
    claims = [PathClaim("L0H1", target) for target in
              ("L1H0.k+L1H1.k", "L1H0.k", "L1H0.q+L1H1.q", "L1H0.k+L1H1.k+logits", "L1H0.qkv+L1H1.qkv")]
    # the cheapest way past a multi-reader target: name every reader but the logits, for any source
    claims.append(PathClaim("embed", "L0H0.qkv+L0H1.qkv+L1H0.qkv+L1H1.qkv"))
    both, one, queries, padded, every_input, everything = grade(Hypothesis("induction_2l", claims), puzzle=puzzle,
                                                                 n=256).claims
    assert both.passed and both.explains == ["L0H1"], both.message
    assert max(both.details["inputs"].values()) < 0.5 and min(both.details["needed"].values()) > 0.5
    assert "path.share" in one.failures and one.details["kept"] > 0.9  # the only route when it is the only one
    assert not queries.passed and "path.share" in queries.failures
    assert padded.failures == ["path.padded"] and "logits" in padded.message
    assert every_input.failures == ["path.padded"] and "L1H0.q" in every_input.message and "L1H1.v" in every_input.message
    assert everything.failures == ["path.padded"]
