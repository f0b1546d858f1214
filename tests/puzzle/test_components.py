"""Component names: parsing against a puzzle's model, hook points, path targets and path direction."""

from __future__ import annotations

import pytest

from harness.puzzle.components import Component, ComponentSpace, check_downstream
from harness.hypothesis import HypothesisError


@pytest.fixture(scope="module")
def space(shipped):
    """space(name) -> the ComponentSpace the grader builds for that puzzle (sequence length from its data)."""
    cache = {}

    def make(name: str) -> ComponentSpace:
        if name not in cache:
            p = shipped(name)
            n_ctx = p.tensors(p.generate(2, p.declaration.grading.seed))["tokens"].shape[1]
            cache[name] = ComponentSpace(p.declaration, p.model, n_ctx)
        return cache[name]

    return make


@pytest.mark.parametrize("name, kind, layer, head, positions, hook", [
    ("embed", "embed", None, None, None, "hook_embed"),
    ("L1H0", "head", 1, 0, None, "blocks.1.attn.hook_z"),
    ("L0H0", "head", 0, 0, None, "blocks.0.attn.hook_z"),
    ("L1H0[3]", "head", 1, 0, (3,), "blocks.1.attn.hook_z"),
    ("L1H0[1,2]", "head", 1, 0, (1, 2), "blocks.1.attn.hook_z"),
    ("L1H0[2,1,2]", "head", 1, 0, (1, 2), "blocks.1.attn.hook_z"),  # sorted, duplicates dropped
    ("L1H0[1:10]", "head", 1, 0, tuple(range(1, 10)), "blocks.1.attn.hook_z"),
    ("L1H0[:3]", "head", 1, 0, (0, 1, 2), "blocks.1.attn.hook_z"),
    ("L1H0[7:]", "head", 1, 0, (7, 8, 9), "blocks.1.attn.hook_z"),
    ("embed[1:9]", "embed", None, None, tuple(range(1, 9)), "hook_embed"),
])
def test_parse_rederive_position(space, name, kind, layer, head, positions, hook):
    comp = space("rederive_position").parse(name)
    assert comp == Component(kind, layer, head, positions)
    assert comp.hook == hook
    assert comp.input is None
    assert comp.base == name.split("[")[0]


@pytest.mark.parametrize("name, expected, hook", [
    ("pos_embed", Component("pos_embed"), "hook_pos_embed"),
    ("MLP0", Component("mlp", 0), "blocks.0.hook_mlp_out"),
    ("MLP1[0:4]", Component("mlp", 1, positions=(0, 1, 2, 3)), "blocks.1.hook_mlp_out"),
    ("L1H3", Component("head", 1, 3), "blocks.1.attn.hook_z"),
])
def test_parse_previous_token_mlp(space, name, expected, hook):
    comp = space("previous_token_mlp").parse(name)
    assert comp == expected
    assert comp.hook == hook


@pytest.mark.parametrize("name", ["embed", "L1H0", "L1H0[3]", "L1H0[1,2]", "embed[1,2,3,4,5,6,7,8]"])
def test_str_round_trips(space, name):
    s = space("rederive_position")
    comp = s.parse(name)
    assert s.parse(str(comp)) == comp


def test_all_lists_every_component_in_forward_order(space):
    names = [str(c) for c in space("previous_token_mlp").all()]
    assert names == ["embed", "pos_embed", "L0H0", "L0H1", "L0H2", "L0H3", "MLP0",
                     "L1H0", "L1H1", "L1H2", "L1H3", "MLP1"]
    # attention-only, positional embedding frozen at zero: no pos_embed, no MLPs
    assert [str(c) for c in space("rederive_position").all()] == ["embed", "L0H0", "L1H0"]
    # attention-only with a trained positional embedding
    assert [str(c) for c in space("permutation_listing").all()] == ["embed", "pos_embed", "L0H0"]
    assert [str(c) for c in space("bigram_0l").all()] == ["embed"]


def test_pos_embed_only_where_it_is_trained(space):
    assert "pos_embed" in {c.base for c in space("previous_token_mlp").all()}
    assert "pos_embed" not in {c.base for c in space("rederive_position").all()}
    with pytest.raises(HypothesisError, match="'pos_embed'"):
        space("rederive_position").parse("pos_embed")


@pytest.mark.parametrize("name, says", [
    ("L5H0", "does not exist"),  # no layer 5
    ("L0H7", "does not exist"),  # one head per layer
    ("MLP0", "does not exist"),  # attention-only
    ("L1H0[12]", "outside 0..9"),  # 10 positions
    ("L1H0[10]", "outside 0..9"),
    ("L1H0[-1]", "outside 0..9"),
    ("L1H0[0:11]", "outside 0..9"),
    ("L1H0[5:3]", "outside 0..9"),  # empty range
    ("L1H0[]", "outside 0..9"),  # no positions at all
    ("L1H0[a]", "not integers"),
    ("L1H0[1.5]", "not integers"),
    ("L1H0[1:x]", "not integers"),
    ("foo", "not a component name"),
    ("L1", "not a component name"),
    ("H0", "not a component name"),
    ("mlp0", "not a component name"),
    ("L1H0[3", "not a component name"),
    ("L1H0.q", "only allowed on a head, as a path target"),
    ("embed.v", "only allowed on a head"),
])
def test_parse_errors_name_the_component(space, name, says):
    with pytest.raises(HypothesisError) as exc:
        space("rederive_position").parse(name)
    message = str(exc.value)
    assert repr(name) in message, message
    assert says in message, message
    assert message.rstrip().endswith("."), message


def test_unknown_component_lists_the_known_ones(space):
    with pytest.raises(HypothesisError) as exc:
        space("rederive_position").parse("L5H0")
    assert "'rederive_position'" in str(exc.value)
    assert "L0H0, L1H0, embed" in str(exc.value)


@pytest.mark.parametrize("value", [3, None, ("L0H0",)])
def test_parse_rejects_non_strings(space, value):
    with pytest.raises(HypothesisError, match="not a string"):
        space("rederive_position").parse(value)


@pytest.mark.parametrize("name, expected", [
    ("L1H0.q", Component("head", 1, 0, input="q")),
    ("L1H0.k", Component("head", 1, 0, input="k")),
    ("L1H0.v", Component("head", 1, 0, input="v")),
])
def test_parse_target_head_inputs(space, name, expected):
    target = space("rederive_position").parse_target(name)
    assert target == expected
    assert str(target) == name


def test_parse_target_logits_and_mlp(space):
    assert space("rederive_position").parse_target("logits") == "logits"
    assert space("previous_token_mlp").parse_target("MLP1") == Component("mlp", 1)


def test_parse_targets_takes_several_readers_joined_by_plus(space):
    mlp = space("previous_token_mlp")
    assert mlp.parse_targets("L1H0.k") == (Component("head", 1, 0, input="k"),)
    assert mlp.parse_targets("L1H0.k + L1H1.qk") == (Component("head", 1, 0, input="k"),
                                                     Component("head", 1, 1, input="qk"))
    assert mlp.parse_targets("MLP1+logits") == (Component("mlp", 1), "logits")
    for twice in ("L1H0.q+L1H0.k", "logits+logits", "MLP1+MLP1"):
        with pytest.raises(HypothesisError, match="names a reader twice"):
            mlp.parse_targets(twice)
    with pytest.raises(HypothesisError, match="must name which input"):
        mlp.parse_targets("L1H0.k+L1H1")


@pytest.mark.parametrize("name, says", [
    ("L1H0", "must name which input"),
    ("embed", "cannot be an embedding"),
    ("L1H0.x", "not a component name"),
    ("L3H0.q", "does not exist"),
    ("MLP0", "does not exist"),
])
def test_parse_target_errors(space, name, says):
    with pytest.raises(HypothesisError) as exc:
        space("rederive_position").parse_target(name)
    assert repr(name) in str(exc.value) and says in str(exc.value), str(exc.value)


@pytest.mark.parametrize("puzzle, source, target", [
    ("rederive_position", "L0H0", "L1H0.k"),
    ("rederive_position", "L0H0", "L1H0.q"),
    ("rederive_position", "embed", "L0H0.v"),
    ("rederive_position", "embed", "L1H0.v"),
    ("rederive_position", "L1H0", "logits"),
    ("permutation_listing", "pos_embed", "L0H0.q"),
    ("previous_token_mlp", "L0H1", "MLP0"),  # the MLP comes after attention in its layer
    ("previous_token_mlp", "MLP0", "MLP1"),
    ("previous_token_mlp", "MLP0", "L1H2.v"),
    ("previous_token_mlp", "L0H3", "L1H0.q"),
])
def test_downstream_paths_accepted(space, puzzle, source, target):
    s = space(puzzle)
    check_downstream(s.parse(source), s.parse_target(target), "Path claim 0")


@pytest.mark.parametrize("puzzle, source, target", [
    ("rederive_position", "L1H0", "L0H0.k"),  # backwards
    ("rederive_position", "L1H0", "L1H0.q"),  # into itself
    ("previous_token_mlp", "L0H0", "L0H1.k"),  # heads of one layer run in parallel
    ("previous_token_mlp", "MLP0", "MLP0"),
    ("previous_token_mlp", "MLP0", "L0H1.q"),  # the MLP comes after attention in its layer
    ("previous_token_mlp", "MLP1", "MLP0"),
])
def test_upstream_paths_rejected(space, puzzle, source, target):
    s = space(puzzle)
    with pytest.raises(HypothesisError) as exc:
        check_downstream(s.parse(source), s.parse_target(target), "Path claim 4")
    message = str(exc.value)
    assert message.startswith("Path claim 4: ") and "not downstream" in message, message
    assert source in message and target in message, message
