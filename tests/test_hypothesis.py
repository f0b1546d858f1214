"""load_hypothesis: a hypothesis module that cannot be used is a HypothesisError naming the file."""

from __future__ import annotations

import sys
import textwrap

import pytest

from harness.hypothesis import Algorithm, Attention, Circuit, Hypothesis, HypothesisError, load_hypothesis

HEADER = "import numpy as np\nfrom harness.hypothesis import *\n"


def write(tmp_path, body: str, name: str = "hyp.py"):
    path = tmp_path / name
    path.write_text(HEADER + textwrap.dedent(body), encoding="utf-8")
    return path


def load_error(path) -> str:
    with pytest.raises(HypothesisError) as exc:
        load_hypothesis(path)
    message = str(exc.value)
    assert str(path) in message, message  # names the file
    assert message.rstrip().endswith("."), message  # one sentence with its fix
    return message


def test_valid_module_loads(tmp_path):
    path = write(tmp_path, """
        def rule(tokens):
            return tokens
        hypothesis = Hypothesis(puzzle="rederive_position", description="d",
                                claims=[Circuit(["embed", "L1H0"]), Attention("L1H0", rule, queries=[1, 2])])
    """)
    import harness.wire  # noqa: F401 - imported on first validation; not what this test is about
    before = set(sys.modules)
    hypothesis = load_hypothesis(str(path))  # a str path works as well as a Path
    assert isinstance(hypothesis, Hypothesis)
    assert hypothesis.puzzle == "rederive_position"
    assert [c.kind for c in hypothesis.claims] == ["circuit", "attention"]
    assert hypothesis.claims[1].rule.__name__ == "rule"
    assert set(sys.modules) == before  # the module is not left behind under a generated name


def test_two_files_with_the_same_name_do_not_collide(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = write(tmp_path / "a", 'hypothesis = Hypothesis(puzzle="bigram_0l", claims=[])\n')
    second = write(tmp_path / "b", 'hypothesis = Hypothesis(puzzle="rederive_position", claims=[])\n')
    assert load_hypothesis(first).puzzle == "bigram_0l"
    assert load_hypothesis(second).puzzle == "rederive_position"


def test_missing_file(tmp_path):
    message = load_error(tmp_path / "nope.py")
    assert "no such hypothesis file" in message


def test_directory_is_not_a_file(tmp_path):
    assert "no such hypothesis file" in load_error(tmp_path)


def test_syntax_error(tmp_path):
    message = load_error(write(tmp_path, "def broken(:\n    pass\n"))
    assert "SyntaxError" in message


def test_module_raising_on_import(tmp_path):
    message = load_error(write(tmp_path, "raise RuntimeError('boom at import')\n"))
    assert "RuntimeError" in message and "boom at import" in message


def test_module_with_missing_import(tmp_path):
    message = load_error(write(tmp_path, "import a_module_that_does_not_exist_xyz\n"))
    assert "ModuleNotFoundError" in message and "a_module_that_does_not_exist_xyz" in message


def test_no_hypothesis_attribute(tmp_path):
    message = load_error(write(tmp_path, "claims = [Circuit(['embed'])]\n"))
    assert "`hypothesis" in message


def test_hypothesis_of_the_wrong_type(tmp_path):
    message = load_error(write(tmp_path, "hypothesis = {'puzzle': 'bigram_0l', 'claims': []}\n"))
    assert "`hypothesis" in message


@pytest.mark.parametrize("claim, type_name", [("'embed'", "str"), ("{'kind': 'circuit'}", "dict"), ("None", "NoneType")])
def test_claim_of_the_wrong_type(tmp_path, claim, type_name):
    path = write(tmp_path, f"hypothesis = Hypothesis(puzzle='bigram_0l', claims=[Circuit(['embed']), {claim}])\n")
    message = load_error(path)
    assert f"claim 1 is a {type_name}".lower() in message.lower(), message
    assert "Circuit" in message and "Interchange" in message  # lists the claim classes


@pytest.mark.parametrize("claim, field", [
    ("Attention('L1H0', 3)", "rule"),
    ("Attention('L1H0', 'previous token')", "rule"),
    ("Scrubbing('L1H0', None)", "feature"),
    ("Algorithm(np.zeros(3))", "predict"),
    ("Interchange('L1H0', lambda t: t, 'source')", "predict"),
    ("Interchange('L1H0', [1, 2], lambda b, s: s)", "variable"),
])
def test_non_callable_function_field(tmp_path, claim, field):
    path = write(tmp_path, f"hypothesis = Hypothesis(puzzle='rederive_position', claims=[Circuit(['embed']), {claim}])\n")
    message = load_error(path)
    assert "claim 1" in message.lower() and f"`{field}`" in message and "not callable" in message, message


def test_claims_are_plain_dataclasses():
    claim = Attention("L1H0", lambda t: t)
    assert claim.kind == "attention" and claim.queries is None and claim.name == "attention"
    assert Circuit(["embed"]).kind == "circuit"
    assert Algorithm(lambda t: t).explains == ()
    with pytest.raises(AttributeError):
        claim.head = "L0H0"  # frozen
