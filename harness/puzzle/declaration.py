"""The puzzle declaration (`puzzle.toml`): typed sections, parsed and validated in one place."""

from __future__ import annotations

import inspect
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from ..errors import DeclarationError
from ..hypothesis import CLAIM_KINDS

MODEL_KINDS = ("native", "zero_layer", "embed_mlp", "pretrained")  # embed_mlp: harness.puzzle.models.EmbedMLPModel
METRICS = ("cross_entropy", "kl_to_reference", "logit_diff")
DIFFICULTIES = ("easy", "medium", "hard")
ABLATIONS = ("mean", "resample", "zero", "global_mean", "global_resample")  # implemented in harness.grading.sample

from .questions import REQUIRED_FORMS, RequiredQuestion, read_required  # noqa: F401 - part of this module's surface

@dataclass(frozen=True)
class ModelSpec:
    kind: str  # "native" (TransformerBridge.boot_native), "zero_layer" or "pretrained"
    config: dict[str, Any] = field(default_factory=dict)  # TransformerBridgeConfig fields (native) or d_vocab/d_model (zero_layer)
    hf_name: str | None = None  # Hugging Face model name or local folder (pretrained)


@dataclass(frozen=True)
class CheckpointSpec:
    file: str  # safetensors file inside the puzzle folder
    sha256: str  # hex digest of that file


@dataclass(frozen=True)
class DataSpec:
    generator: str  # "file.py:function" inside the puzzle folder; generate(n, seed, split) -> Dataset
    dev_size: int  # rows in the public dev sample
    eval_size: int  # rows in a default evaluation or grading sample
    dev_seed: int  # seed of the public dev sample
    eval_seeds: tuple[int, int]  # inclusive range that fresh evaluation/grading seeds are drawn from
    train_seed: int  # training batches use seeds from here up; must lie above eval_seeds
    inputs: str | None = None  # "file.py:function" -> a Dataset of every evaluation input, where they can be
    # enumerated: evaluation and grading then use all of them (sources for patching: a seeded permutation)


@dataclass(frozen=True)
class TaskSpec:
    metric: str  # "cross_entropy", "kl_to_reference" or "logit_diff"
    positions: tuple[int, int] | None  # [start, stop) sequence positions whose predictions count; None = answer position column
    description: str  # one sentence: what is predicted where
    reference: str | None = None  # "file.py:function" giving target distributions (kl_to_reference)


@dataclass(frozen=True)
class PerformanceSpec:
    min_accuracy: float  # accuracy the checkpoint must reach on fresh evaluation samples
    max_loss: float | None = None  # optional ceiling on the task loss
    max_kl: float | None = None  # optional ceiling on the KL to the reference (kl_to_reference)
    min_logit_diff: float | None = None  # optional floor on the mean logit difference (logit_diff)
    check_tolerance: float = 0.01  # `train --check`: allowed accuracy shortfall against the shipped checkpoint


@dataclass(frozen=True)
class TrainingSpec:
    steps: int  # optimiser steps
    batch_size: int  # rows per step
    lr: float  # AdamW learning rate
    weight_decay: float  # AdamW weight decay
    seed: int  # initialisation and data-order seed
    betas: tuple[float, float] = (0.9, 0.99)  # AdamW betas
    grad_clip: float | None = 1.0  # max gradient norm; None disables clipping
    warmup_steps: int = 0  # linear learning-rate warm-up
    schedule: str = "constant"  # learning rate after warm-up: "constant" or "cosine" (decays to 10%)
    frozen_at_zero: tuple[str, ...] = ()  # parameter-name globs set to zero and never trained


@dataclass(frozen=True)
class GradingSpec:
    seed: int = 1  # default grading seed (inside data.eval_seeds); `grade --seed` overrides
    n: int = 512  # rows per grading sample (a second sample of the same size serves as sources)
    ablation: str = "mean"  # default ablation: mean | resample | zero | global_mean | global_resample
    circuit: bool = True  # whether a solve needs a circuit claim (false when the model is a single component)
    faithfulness: float = 0.9  # circuit: minimum fraction of the metric recovered
    delta: float = 0.05  # minimality drop per component; least effect for scrubbing and path claims to be testable
    random_circuits: int = 20  # circuit and subspace baselines: random circuits (subspaces) of the same size
    baseline_percentile: float = 0.9  # circuit: minimum percentile among the random circuits
    attention: float = 0.4  # attention: minimum mass on the claimed keys minus chance
    attention_intervention: float = 0.8  # attention: share of the head's effect kept with the claimed pattern substituted
    attention_queries: tuple[int, int] | None = None  # [start, stop) queries attention rules are judged on; None = task positions
    attention_query: float = 0.1  # attention: least mass above chance on the claimed keys for a query to count as held
    per_unit: float = 0.95  # every per-unit check: least share of the units a claim speaks about where it must hold
    scrubbing: float = 0.9  # scrubbing: minimum fraction of the metric kept
    path: float = 0.8  # path: minimum fraction of the source's effect carried by the claimed path
    algorithm: float = 0.95  # algorithm: minimum agreement with the model
    algorithm_tolerance: float = 0.01  # algorithm: at most this much below the task's own answer's agreement
    interchange: float = 0.9  # interchange: minimum interchange-intervention accuracy
    joint: float = 0.8  # joint test: share of the metric kept with every claim's intervention applied at once
    subspace: float = 0.9  # subspace: share of the component's effect kept with only the claimed span kept
    subspace_excluded: float = 0.8  # subspace: share of the component's effect lost with the span projected out
    subspace_factor: int = 4  # subspace: a span may have at most 1/subspace_factor of the component's dimensions
    bootstrap: int = 200  # bootstrap resamples for confidence intervals
    max_description_bytes: int = 2048  # a hypothesis module's code, compressed, at most (harness.description)
    required: tuple[RequiredQuestion, ...] = ()  # questions a solving hypothesis must answer


@dataclass(frozen=True)
class Declaration:
    path: Path  # the puzzle.toml file
    name: str  # folder name, also the puzzle's public name
    version: int  # bumped on any change that can alter a score
    summary: str  # one line
    difficulty: str  # easy | medium | hard
    tags: tuple[str, ...]
    model: ModelSpec
    checkpoint: CheckpointSpec | None  # None only for pretrained models
    data: DataSpec
    task: TaskSpec
    performance: PerformanceSpec
    training: TrainingSpec | None  # None only for pretrained models
    grading: GradingSpec  # the grader's thresholds for this puzzle

    @property
    def folder(self) -> Path:
        return self.path.parent


TOP_LEVEL = {"name", "version", "summary", "difficulty", "tags", "model", "checkpoint", "data", "task",
             "performance", "training", "grading"}


# The [model.config] fields a native model accepts: TransformerBridgeConfig's and TransformerLensConfig's
# parameters less architecture, device and dtype. Written out so that reading a declaration never imports
# TransformerLens (2 s); tests/test_declaration.py checks it against the installed version.
NATIVE_CONFIG_FIELDS = frozenset({
    'NTK_by_parts_factor', 'NTK_by_parts_high_freq_factor', 'NTK_by_parts_low_freq_factor', 'act_fn',
    'attention_dir', 'attn_implementation', 'attn_only', 'attn_scale', 'attn_scores_soft_cap', 'attn_types',
    'checkpoint_index', 'checkpoint_label_type', 'checkpoint_value', 'd_head', 'd_mlp', 'd_model', 'd_vocab',
    'd_vocab_out', 'decoder_start_token_id', 'default_padding_side', 'default_prepend_bos', 'eps',
    'experts_per_token', 'final_rms', 'from_checkpoint', 'gated_mlp', 'init_mode', 'init_weights',
    'initializer_range', 'is_audio_model', 'is_multimodal', 'is_stateful', 'is_visual_model',
    'layer_norm_folding', 'load_in_4bit', 'mm_tokens_per_image', 'model_name', 'n_ctx', 'n_devices', 'n_heads',
    'n_key_value_heads', 'n_layers', 'n_params', 'normalization_type', 'num_experts', 'original_architecture',
    'output_logits_soft_cap', 'parallel_attn_mlp', 'per_layer_head_dim', 'per_layer_num_key_value_heads',
    'positional_embedding_type', 'post_embedding_ln', 'qk_norm_after_rope', 'relative_attention_max_distance',
    'relative_attention_num_buckets', 'rmsnorm_uses_offset', 'rotary_adjacent_pairs', 'rotary_base',
    'rotary_dim', 'rotary_interleaved_cos_sin', 'scale_attn_by_inverse_layer_idx', 'scale_embedding', 'seed',
    'tie_word_embeddings', 'tokenizer_appends_eos', 'tokenizer_name', 'tokenizer_prepends_bos',
    'trust_remote_code', 'use_NTK_by_parts_rope', 'use_attn_in', 'use_attn_result', 'use_attn_scale',
    'use_hook_mlp_in', 'use_hook_tokens', 'use_local_attn', 'use_normalization_before_and_after', 'use_qk_norm',
    'use_split_qkv_input', 'uses_rms_norm', 'vision_hidden_size', 'vision_num_heads', 'vision_num_layers',
    'window_size'
})


def _native_config_fields() -> set[str]:
    """The fields as the installed TransformerLens defines them (for the test that keeps the list current)."""
    from transformer_lens.config import TransformerBridgeConfig, TransformerLensConfig

    names: set[str] = set()
    for cls in (TransformerBridgeConfig, TransformerLensConfig):
        names |= {p for p in inspect.signature(cls).parameters if p not in ("self", "kwargs")}
    return names - {"architecture", "device", "dtype"}


class _Reader:
    """Reads one table of the TOML file and reports problems with the file and the dotted field name."""

    def __init__(self, path: Path, table: dict[str, Any], prefix: str = "") -> None:
        self.path, self.table, self.prefix = path, table, prefix

    def name(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def fail(self, key: str | None, problem: str, fix: str) -> DeclarationError:
        return DeclarationError(self.path, self.name(key) if key else (self.prefix.rstrip(".") or None), problem, fix)

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ..., example: str = "") -> Any:
        if key not in self.table:
            if default is ...:
                raise self.fail(key, "is missing.", f"Add it{', e.g. ' + example if example else ''}.")
            return default
        value = self.table[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if float in kinds and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            wanted = " or ".join(k.__name__ for k in kinds)
            raise self.fail(key, f"should be a {wanted} but is {value!r}.", "Correct its type in the file.")
        return value

    def sub(self, key: str, required: bool = True) -> "_Reader | None":
        if key not in self.table:
            if required:
                raise self.fail(key, "section is missing.", f"Add a [{self.name(key)}] table; see puzzles/*/puzzle.toml for examples.")
            return None
        value = self.table[key]
        if not isinstance(value, dict):
            raise self.fail(key, "should be a table.", f"Write it as [{self.name(key)}].")
        return _Reader(self.path, value, f"{self.name(key)}.")

    def reject_unknown(self, allowed: set[str]) -> None:
        unknown = sorted(set(self.table) - allowed)
        if unknown:
            raise self.fail(unknown[0], "is not a known field.",
                            f"Remove it or fix its spelling; known fields here are: {', '.join(sorted(allowed))}.")


def _spec_fields(cls: type) -> set[str]:
    return {f.name for f in fields(cls)}


def _pair(r: _Reader, key: str, kind: type, default: Any = ...) -> Any:
    value = r.get(key, list, default)
    if value is default and default is not ...:
        return default
    if len(value) != 2 or not all((isinstance(v, kind) or (kind is float and isinstance(v, int))) and not isinstance(v, bool)
                                   for v in value):
        raise r.fail(key, f"should be a list of two {kind.__name__}s but is {value!r}.", "Write it as [first, second].")
    return tuple(kind(v) for v in value)


def _read_model(r: _Reader) -> ModelSpec:
    r.reject_unknown({"kind", "config", "hf_name"})
    kind = r.get("kind", str, example='kind = "native"')
    if kind not in MODEL_KINDS:
        raise r.fail("kind", f"is {kind!r}, which is not a model kind.", f"Use one of {', '.join(MODEL_KINDS)}.")
    config_reader = r.sub("config", required=kind != "pretrained")
    config = dict(config_reader.table) if config_reader else {}
    if kind == "native":
        known = NATIVE_CONFIG_FIELDS
        config_reader.reject_unknown(known)
        for key in ("n_layers", "d_model", "d_head", "n_ctx", "d_vocab"):
            if config_reader.get(key, int) < (0 if key == "n_layers" else 1):
                raise config_reader.fail(key, f"is {config[key]}.", "Use a positive whole number.")
    elif kind == "pretrained" and config_reader:
        config_reader.reject_unknown({"n_layers", "n_heads", "n_params", "d_vocab"})  # informative, shown by `list`
    elif kind == "zero_layer":
        config_reader.reject_unknown({"d_vocab", "d_model", "n_ctx"})
        for key in ("d_vocab", "d_model", "n_ctx"):
            if config_reader.get(key, int) < 1:
                raise config_reader.fail(key, f"is {config[key]}.", "Use a positive whole number.")
    elif kind == "embed_mlp":
        config_reader.reject_unknown({"d_vocab", "d_model", "d_mlp", "n_ctx", "d_vocab_out"})
        for key in ("d_vocab", "d_model", "d_mlp", "n_ctx") + (("d_vocab_out",) if "d_vocab_out" in config else ()):
            if config_reader.get(key, int) < 1:
                raise config_reader.fail(key, f"is {config[key]}.", "Use a positive whole number.")
    hf_name = r.get("hf_name", str, None if kind != "pretrained" else ..., example='hf_name = "gpt2"')
    return ModelSpec(kind=kind, config=config, hf_name=hf_name)


def _read_checkpoint(r: _Reader) -> CheckpointSpec:
    r.reject_unknown(_spec_fields(CheckpointSpec))
    file = r.get("file", str, example='file = "model.safetensors"')
    if not file.endswith(".safetensors"):
        raise r.fail("file", f"is {file!r}, which is not a safetensors file.",
                     "Save the weights with safetensors (never pickle) and name the .safetensors file here.")
    sha = r.get("sha256", str, example='sha256 = "<64 hex digits>"').lower()
    if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
        raise r.fail("sha256", "is not a 64-digit hex digest.", "Put the output of `sha256sum` for the checkpoint file here.")
    return CheckpointSpec(file=file, sha256=sha)


def _read_data(r: _Reader) -> DataSpec:
    r.reject_unknown(_spec_fields(DataSpec))
    spec = DataSpec(
        generator=r.get("generator", str, example='generator = "data.py:generate"'),
        dev_size=r.get("dev_size", int), eval_size=r.get("eval_size", int),
        dev_seed=r.get("dev_seed", int), eval_seeds=_pair(r, "eval_seeds", int), train_seed=r.get("train_seed", int),
        inputs=r.get("inputs", str, None),
    )
    lo, hi = spec.eval_seeds
    if lo > hi:
        raise r.fail("eval_seeds", f"is the empty range {list(spec.eval_seeds)}.", "Give [low, high] with low <= high.")
    if lo <= spec.dev_seed <= hi:
        raise r.fail("dev_seed", f"({spec.dev_seed}) lies inside eval_seeds {list(spec.eval_seeds)}.",
                     "Choose a dev seed outside the evaluation range so the public sample never overlaps grading data.")
    if spec.train_seed <= max(hi, spec.dev_seed):
        raise r.fail("train_seed", f"({spec.train_seed}) must lie above eval_seeds and dev_seed.",
                     "Raise it above the evaluation range so training and grading data come from disjoint seeds.")
    return spec


def _read_task(r: _Reader) -> TaskSpec:
    r.reject_unknown(_spec_fields(TaskSpec))
    metric = r.get("metric", str, example='metric = "cross_entropy"')
    if metric not in METRICS:
        raise r.fail("metric", f"is {metric!r}, which is not a known metric.", f"Use one of {', '.join(METRICS)}.")
    positions = _pair(r, "positions", int, None)
    if metric != "logit_diff" and positions is None:
        raise r.fail("positions", "is missing.", "Add positions = [start, stop), the sequence positions whose predictions count.")
    reference = r.get("reference", str, None)
    if metric == "kl_to_reference" and reference is None:
        raise r.fail("reference", "is missing for metric kl_to_reference.", 'Add reference = "data.py:function".')
    return TaskSpec(metric=metric, positions=positions, description=r.get("description", str), reference=reference)


def _read_performance(r: _Reader) -> PerformanceSpec:
    r.reject_unknown(_spec_fields(PerformanceSpec))
    values = {key: r.get(key, float, None) for key in ("max_loss", "max_kl", "min_logit_diff")}
    return PerformanceSpec(min_accuracy=r.get("min_accuracy", float),
                           check_tolerance=r.get("check_tolerance", float, 0.01), **values)


def _read_training(r: _Reader) -> TrainingSpec:
    r.reject_unknown(_spec_fields(TrainingSpec))
    frozen = r.get("frozen_at_zero", list, [])
    if not all(isinstance(f, str) for f in frozen):
        raise r.fail("frozen_at_zero", "should list parameter-name globs as strings.", 'Write e.g. ["pos_embed.weight", "*.bias"].')
    schedule = r.get("schedule", str, "constant")
    if schedule not in ("constant", "cosine"):
        raise r.fail("schedule", f"is {schedule!r}.", 'Use "constant" or "cosine".')
    return TrainingSpec(
        steps=r.get("steps", int), batch_size=r.get("batch_size", int), lr=r.get("lr", float),
        weight_decay=r.get("weight_decay", float), seed=r.get("seed", int),
        betas=_pair(r, "betas", float, (0.9, 0.99)), grad_clip=r.get("grad_clip", float, 1.0),
        warmup_steps=r.get("warmup_steps", int, 0), schedule=schedule, frozen_at_zero=tuple(frozen),
    )


def _read_grading(r: _Reader, top: _Reader) -> GradingSpec:
    r.reject_unknown(_spec_fields(GradingSpec))
    defaults = GradingSpec()
    values: dict[str, Any] = {}
    for f in fields(GradingSpec):
        if f.name in ("required", "attention_queries") or f.name not in r.table:
            continue
        values[f.name] = r.get(f.name, type(getattr(defaults, f.name)))
    if "attention_queries" in r.table:
        values["attention_queries"] = _pair(r, "attention_queries", int)
    for key, value in values.items():  # thresholds are shares in [0, 1]; counts are positive
        if key in ("n", "random_circuits", "bootstrap", "max_description_bytes") and value < 1:
            raise r.fail(key, f"is {value}.", "Use a positive whole number.")
        if type(getattr(defaults, key)) is float and not 0.0 <= value <= 1.0:
            raise r.fail(key, f"is {value}, outside 0..1.", "Use a share between 0 and 1 (e.g. 0.9).")
    if values.get("ablation", "mean") not in ABLATIONS:
        raise r.fail("ablation", f"is {values['ablation']!r}.", f"Use one of {', '.join(ABLATIONS)}.")
    kinds = tuple(k for k in CLAIM_KINDS if k != "circuit")
    required = read_required(r.get("required", list, []), kinds, lambda problem, fix: r.fail("required", problem, fix))
    return GradingSpec(**values, required=tuple(required))


def load_declaration(path: Path | str) -> Declaration:
    """Parse and validate one `puzzle.toml`; raise DeclarationError naming the file, field and fix."""
    path = Path(path)
    if not path.is_file():
        raise DeclarationError(path, None, "does not exist.", "Create puzzle.toml in the puzzle folder (copy one from another puzzle).")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise DeclarationError(path, None, f"is not valid TOML ({exc}).", "Fix the syntax at the position given.") from exc
    r = _Reader(path, raw)
    r.reject_unknown(TOP_LEVEL)
    name = r.get("name", str)
    if name != path.parent.name:
        raise r.fail("name", f"is {name!r} but the folder is {path.parent.name!r}.", "Make the name match the folder name.")
    version = r.get("version", int)
    if version < 1:
        raise r.fail("version", f"is {version}.", "Versions start at 1 and go up on any change that can alter a score.")
    difficulty = r.get("difficulty", str)
    if difficulty not in DIFFICULTIES:
        raise r.fail("difficulty", f"is {difficulty!r}.", f"Use one of {', '.join(DIFFICULTIES)}.")
    tags = r.get("tags", list, [])
    model = _read_model(r.sub("model"))
    pretrained = model.kind == "pretrained"
    checkpoint_r, training_r = r.sub("checkpoint", required=not pretrained), r.sub("training", required=not pretrained)
    grading_r = r.sub("grading", required=False)
    return Declaration(
        path=path, name=name, version=version, summary=r.get("summary", str), difficulty=difficulty,
        tags=tuple(str(t) for t in tags), model=model,
        checkpoint=_read_checkpoint(checkpoint_r) if checkpoint_r else None,
        data=_read_data(r.sub("data")), task=_read_task(r.sub("task")),
        performance=_read_performance(r.sub("performance")),
        training=_read_training(training_r) if training_r else None,
        grading=_read_grading(grading_r, r) if grading_r else GradingSpec(),
    )
