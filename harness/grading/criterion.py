"""The solve criterion and the score.

A hypothesis SOLVES a puzzle when
  * (puzzles with `[grading] circuit = true`) its best circuit claim passes faithfulness, at every counted position,
    completeness, minimality and the random baseline, and the joint test passes;
  * every component of that circuit other than the input embeddings is explained by a passing, non-vacuous
    role claim about it (attention, scrubbing, interchange, or a path claim whose *source* it is);
  * none of its claims fails (a vacuous claim does not fail, but earns and explains nothing);
  * every required question is answered by a passing claim of the named kind about the named component, at the
    positions and in the form it names (harness.grading.required);
  * (a hypothesis graded from its file) the module's description length is within the puzzle's budget
    (`[grading] max_description_bytes`, harness.description): an explanation must not contain the model.

The input embeddings (`embed`, `pos_embed`) need no role claim of their own: they carry the token and the
position, which no claim can state without a tautology; what reads them is explained instead.

    score = mean of the parts that apply: circuit (share of the best circuit's six checks passed),
            coverage (share of its components explained), claims (passing / non-vacuous claims),
            required (share of questions answered).
Each part is in [0, 1]; the score is 1 exactly when the puzzle is solved, and 0 for an empty hypothesis.
"""

from __future__ import annotations

from ..description import budget_failure
from ..puzzle.declaration import GradingSpec
from .context import ClaimResult
from .required import answers, wanted

CIRCUIT_CHECKS = ("circuit.faithfulness", "circuit.positions", "circuit.completeness", "circuit.minimality",
                  "circuit.baseline", "joint")
INPUTS = ("embed", "pos_embed")


def decide(spec: GradingSpec, results: list[ClaimResult], joint: ClaimResult | None, best: ClaimResult | None,
           description_bytes: int | None = None) -> tuple[bool, float, dict[str, float], list[str], list[str], list[str]]:
    """(solved, score, parts, failures, unexplained, notes); description_bytes: the module's description length
    (None: graded from an object, not measured)."""
    failures: list[str] = []
    over = None if description_bytes is None else budget_failure(description_bytes, spec.max_description_bytes)
    if over:
        failures.append(over)
    graded_as_circuit = best if spec.circuit else None  # its failures are reported as the circuit's, below
    notes = [f"Claim {r.index} ({r.kind}, {r.name}) earns nothing: {r.message}" for r in results
             if r.verdict == "vacuous" and r is not graded_as_circuit]
    parts: dict[str, float] = {}
    unexplained: list[str] = []
    if spec.circuit:
        if best is None:
            failures.append("There is no circuit claim: name the components that do the task with Circuit([...]).")
            parts["circuit"] = parts["coverage"] = 0.0
        else:
            checks = set(best.failures) | (set(joint.failures) if joint is not None else {"joint"})
            parts["circuit"] = sum(c not in checks for c in CIRCUIT_CHECKS) / len(CIRCUIT_CHECKS)
            if best.failures:
                failures.append(f"The circuit claim ({best.name}) fails: {best.message}")
            if joint is not None and joint.failures:
                failures.append(f"The joint test fails: {joint.message}")
            bases = sorted({c.split("[")[0] for c in best.details["components"]} - set(INPUTS))
            explained = {b for r in results if r.verdict == "pass" and r.kind != "circuit" for b in r.explains}
            unexplained = [b for b in bases if b not in explained]
            parts["coverage"] = 1 - len(unexplained) / len(bases) if bases else 1.0
            if unexplained:
                failures.append(f"No passing role claim is about {', '.join(unexplained)}: add an attention, scrubbing or "
                                "interchange claim about each, or a path claim with it as the source (algorithm claims "
                                "and path targets explain nothing).")
    counted = [r for r in results if r.verdict != "vacuous"]
    failing = [r for r in counted if r.verdict == "fail"]
    failures += [f"Claim {r.index} ({r.kind}, {r.name}) fails: {r.message}" for r in failing
                 if r is not graded_as_circuit]
    parts["claims"] = (len(counted) - len(failing)) / len(counted) if counted else 0.0
    answered = 0
    for question in spec.required:
        ok = any(answers(question, r) for r in results)
        answered += ok
        if not ok:
            failures.append(f"Required question unanswered: {question.question} ({wanted(question)}).")
    parts["required"] = answered / len(spec.required) if spec.required else float(len(counted) > len(failing))
    score = sum(parts.values()) / len(parts)
    solved = not failures and score == 1.0
    return solved, (1.0 if solved else min(score, 0.999)), parts, failures, unexplained, notes
