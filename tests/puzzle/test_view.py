"""The attention-pattern view a solver calls in a notebook."""

import numpy as np
import pytest

import harness
from harness.puzzle.view import AttentionView


def test_attention_view_shows_every_head_of_the_model():
    p = harness.load_puzzle("rederive_position")
    tokens = p.dev_sample()["tokens"][0]
    view = p.attention(tokens)
    assert view.heads == ["L0H0", "L1H0"] and view.weights.shape == (2, len(tokens), len(tokens))
    assert np.allclose(view.weights.sum(-1), 1.0, atol=1e-5)
    assert np.all(np.triu(view.weights, 1) == 0)  # causal
    assert view.tokens[0] == "BOS"
    one = p.attention(tokens, layer=1, head=0)
    assert one.heads == ["L1H0"] and np.array_equal(one.weights[0], view.weights[1])
    assert "L1H0: query" in str(one) and "<figcaption" in one._repr_html_()


def test_token_labels_are_escaped_and_models_without_heads_are_refused():
    html = AttentionView(np.eye(2)[None], ["L0H0"], ["<b>", "&"])._repr_html_()
    assert "<b>" not in html and "&lt;b&gt;" in html
    with pytest.raises(ValueError, match="no attention heads"):
        harness.load_puzzle("bigram_0l").attention([1, 2, 3])
