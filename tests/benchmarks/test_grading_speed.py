"""Grading speed: each toy puzzle's reference, against one bare forward pass on the same grading sample.

`make test` runs these once as ordinary tests (pytest-benchmark is disabled by the project's addopts);
`make bench` (`pytest tests/benchmarks --benchmark-enable`) times them. Each benchmark records in
extra_info the grade time, the time of one forward pass of the model on the 2n grading rows (graded
rows and their resampling sources), and the ratio of the two; the ratio is printed as well.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import torch

import harness.grader
import harness.grading.forward
from harness.grader import grade

REFERENCE = Path(__file__).resolve().parents[2] / "solutions" / "reference"
TOY = ["bigram_0l", "rederive_position", "previous_token_mlp", "permutation_listing"]


def forward_seconds(puzzle, budget: float = 0.3) -> float:
    """The fastest of several timings (at least 3, about `budget` seconds in all) of one forward pass
    on the grading sample: 2 * grading.n rows drawn with the grading seed."""
    spec = puzzle.declaration.grading
    tokens = puzzle.tensors(puzzle.generate(2 * spec.n, spec.seed))["tokens"]
    timings: list[float] = []
    with torch.no_grad():
        puzzle.model(tokens)  # warm-up
        stop = time.perf_counter() + budget
        while len(timings) < 3 or (time.perf_counter() < stop and len(timings) < 100):
            start = time.perf_counter()
            puzzle.model(tokens)
            timings.append(time.perf_counter() - start)
    return min(timings)


@pytest.mark.parametrize("name", TOY)
def test_grade_reference(benchmark, shipped, monkeypatch, capsys, name):
    puzzle = shipped(name)
    forward = forward_seconds(puzzle)

    timings: list[float] = []

    def run():
        start = time.perf_counter()
        report = grade(REFERENCE / f"{name}.py", puzzle=puzzle)
        timings.append(time.perf_counter() - start)
        return report

    # a warm-up (first-call costs) then the fastest of 3 rounds: this VM's timings vary by ±30% run to run
    report = benchmark.pedantic(run, rounds=3, iterations=1, warmup_rounds=1)
    seconds = min(timings[1:] or timings)
    assert report.solved, report.failures
    ratio = seconds / forward
    benchmark.extra_info.update(puzzle=name, n=report.n, rows_forward=2 * report.n, grade_seconds=round(seconds, 4),
                                forward_seconds=round(forward, 6), grade_over_forward=round(ratio, 1))
    with capsys.disabled():
        print(f"\n{name}: grade {seconds:.3f} s, one forward pass on {2 * report.n} rows {forward * 1e3:.1f} ms, "
              f"ratio {ratio:.0f}x")


# --- against a raw-torch forward of exactly the rows the grade runs, every toy puzzle -------------------------------

TOY_ALL = ["bigram_0l", "rederive_position", "previous_token_mlp", "permutation_listing", "min_of_two_ints",
           "majority_element", "sort_fixed_len_list", "permute_lists", "induction_2l", "modular_addition_mlp",
           "modular_subtraction", "opposite_adjective_toy"]
ACTIVATIONS = {"relu": torch.relu, "gelu": torch.nn.functional.gelu,
               "gelu_new": lambda x: torch.nn.functional.gelu(x, approximate="tanh")}


def raw_forward(model, tokens: torch.Tensor) -> torch.Tensor:
    """The model's logits in plain torch from its weights, no hooks and no bridge. A transformer: embeddings, per
    layer an optional LayerNorm, causal attention and (unless attention-only) an MLP, a final optional LayerNorm,
    the unembedding. The two hook-module models: embed @ unembed (bigram), ReLU(cumsum(embed) W_in) W_U."""
    w = dict(model.state_dict())
    if "unembed.weight" in w and "pos_embed.weight" not in w and "blocks.0.attn.q.weight" not in w:  # zero-layer
        return w["embed.weight"][tokens] @ w["unembed.weight"].T
    if "blocks.0.W_in.weight" in w:  # the embedding-sum MLP
        resid = w["embed.weight"][tokens].cumsum(1)
        return torch.relu(resid @ w["blocks.0.W_in.weight"].T) @ w["blocks.0.W_U.weight"].T
    cfg = model.cfg
    heads, d_head, n = cfg.n_heads, cfg.d_head, tokens.shape[1]

    def norm(x, name):
        if f"{name}.weight" not in w:
            return x
        x = x - x.mean(-1, keepdim=True)
        return x / (x.pow(2).mean(-1, keepdim=True) + cfg.eps).sqrt() * w[f"{name}.weight"] + w[f"{name}.bias"]

    def linear(x, name):
        out = x @ w[f"{name}.weight"].T
        return out + w[f"{name}.bias"] if f"{name}.bias" in w else out

    x = w["embed.weight"][tokens] + (w["pos_embed.weight"][:n] if "pos_embed.weight" in w else 0)
    causal = torch.ones(n, n, dtype=torch.bool).tril()
    for layer in range(cfg.n_layers):
        h = norm(x, f"blocks.{layer}.ln1")
        q, k, v = (linear(h, f"blocks.{layer}.attn.{m}").view(*h.shape[:2], heads, d_head).transpose(1, 2)
                   for m in "qkv")
        scores = (q @ k.transpose(-1, -2) / d_head ** 0.5).masked_fill(~causal, float("-inf"))
        z = (scores.softmax(-1) @ v).transpose(1, 2).reshape(*h.shape[:2], heads * d_head)
        x = x + linear(z, f"blocks.{layer}.attn.o")
        if f"blocks.{layer}.mlp.in.weight" in w:
            act = ACTIVATIONS[cfg.act_fn](linear(norm(x, f"blocks.{layer}.ln2"), f"blocks.{layer}.mlp.in"))
            x = x + linear(act, f"blocks.{layer}.mlp.out")
    return linear(norm(x, "ln_final"), "unembed")


def rows_a_grade_runs(puzzle, monkeypatch) -> int:
    """Rows (sequences) the model runs during one grade of the reference: clean runs and every variant's pass,
    the untrained model's included (the same architecture, so the same cost per row)."""
    counted = [0]
    sample_class = harness.grading.sample.Sample
    original_init, original_forward = sample_class.__init__, sample_class._forward

    def init(self, model, tokens, hooks, read=None):
        counted[0] += len(tokens)
        original_init(self, model, tokens, hooks, read)

    def forward(self, variants, rows=slice(None)):
        counted[0] += len(self.tokens[rows]) * len(variants)
        return original_forward(self, variants, rows)

    monkeypatch.setattr(sample_class, "__init__", init)
    monkeypatch.setattr(sample_class, "_forward", forward)
    grade(REFERENCE / f"{puzzle.name}.py", puzzle=puzzle)
    monkeypatch.undo()
    return counted[0]


def one_pass_per_intervention(puzzle, monkeypatch):
    """The same grade as a loop of `run_with_hooks` calls would run it: every intervention (variant) in a forward
    pass of its own over all its rows through the bridge — none stacked with another, none split into row blocks,
    none trimmed to the read positions."""
    sample_class = harness.grading.sample.Sample
    run = sample_class.run
    with monkeypatch.context() as patch:
        patch.setattr(harness.grading.forward, "supports", lambda model: False)
        patch.setattr(sample_class, "run", lambda self, variants, reduce: [
            result for edits in variants for result in run(self, [edits], reduce)])
        patch.setattr(harness.grading.sample, "tokens_per_pass", lambda *_: 2 ** 40)  # never split rows
        return grade(REFERENCE / f"{puzzle.name}.py", puzzle=puzzle)


@pytest.mark.parametrize("name", ["rederive_position", "previous_token_mlp"])
def test_one_pass_per_intervention_is_the_same_grade(shipped, monkeypatch, name):
    """The naive loop the benchmark times runs the grade's interventions, only unstacked: the same values."""
    puzzle = shipped(name)
    stacked, one_by_one = grade(REFERENCE / f"{name}.py", puzzle=puzzle), one_pass_per_intervention(puzzle, monkeypatch)
    assert [c.value for c in one_by_one.claims] == pytest.approx([c.value for c in stacked.claims], abs=1e-5)
    assert (one_by_one.solved, one_by_one.failures) == (stacked.solved, stacked.failures)


@pytest.fixture(params=[1, 2], ids=["1thread", "2threads"])
def threads(request):
    """Both sides on one torch thread, and on two (torch's default on this 2-core VM, what an in-process grade uses).
    At one thread the ratio is work against work. At two, time only an idle machine: there any other process stalls
    the threads' barriers, and the grade (many small operations, so many barriers) slows down 5-20x more than the
    raw forward (a few large ones) — a measurement of the machine's load."""
    before = torch.get_num_threads()
    torch.set_num_threads(request.param)
    yield request.param
    torch.set_num_threads(before)


@pytest.mark.parametrize("name", TOY_ALL)
def test_grade_against_raw_forward_and_a_naive_loop(benchmark, shipped, monkeypatch, capsys, threads, name):
    """grade time / raw-torch forward time of the same number of rows (in passes of the grader's size), and the
    same grade with one forward pass per intervention (what a loop of `run_with_hooks` calls does)."""
    puzzle = shipped(name)
    spec = puzzle.declaration.grading
    tokens = puzzle.tensors(puzzle.generate(2 * spec.n, spec.seed))["tokens"]
    with torch.no_grad():  # the raw forward is the model (else the comparison means nothing)
        torch.testing.assert_close(raw_forward(puzzle.model, tokens[:64]), puzzle.model(tokens[:64]),
                                   rtol=1e-4, atol=1e-4)
    benchmark.pedantic(lambda: None, rounds=1, iterations=1)  # the timings below are taken by hand, in extra_info
    if benchmark.disabled:  # `make test`: the raw forward's correctness only (once)
        if threads != 1:
            pytest.skip("timed by `make bench` only")
        return
    rows = rows_a_grade_runs(puzzle, monkeypatch)
    per_pass = max(1, harness.grading.sample.tokens_per_pass(puzzle.model, puzzle.model(tokens[:1]).shape[-1])
                   // tokens.shape[1])
    pool = tokens.repeat(per_pass // len(tokens) + 1, 1)[:per_pass]  # grading rows, repeated to fill a pass
    blocks = [pool[:min(per_pass, rows - start)] for start in range(0, rows, per_pass)]
    assert sum(len(b) for b in blocks) == rows

    def best(fn, rounds=3) -> float:
        fn()
        timings = []
        for _ in range(rounds):
            start = time.perf_counter()
            fn()
            timings.append(time.perf_counter() - start)
        return min(timings)

    with torch.no_grad():
        raw = best(lambda: [raw_forward(puzzle.model, b) for b in blocks])
    graded = best(lambda: grade(REFERENCE / f"{name}.py", puzzle=puzzle))
    naive = best(lambda: one_pass_per_intervention(puzzle, monkeypatch))
    benchmark.extra_info.update(puzzle=name, threads=threads, rows=rows, grade_seconds=round(graded, 4), raw_seconds=round(raw, 4),
                                naive_loop_seconds=round(naive, 4), grade_over_raw=round(graded / raw, 2),
                                naive_over_grade=round(naive / graded, 2))
    with capsys.disabled():
        print(f"\n{name} ({threads} thread(s)): {rows} rows; grade {graded:.3f} s, raw-torch forward of those rows {raw:.3f} s "
              f"({graded / raw:.2f}x), one pass per intervention {naive:.3f} s ({naive / graded:.2f}x the grade)")
