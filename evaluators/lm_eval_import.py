"""lm-evaluation-harness result files -> score records.

Reads the JSON that ``lm_eval --output_path`` writes (``results``, ``groups``, ``group_subtasks``,
``configs``, ``versions``, ``n-shot``, ``n-samples``, ``config``, ``git_hash``, ``lm_eval_version``).
Every top-level task of the file (a task that is not a subtask of a group also in the file) becomes
one score record. A task with no benchmark mapping is an error listing it, unless ``--task-map``
maps it or ``--skip`` names it: nothing is dropped silently. Values are fractions in the file and
percent in the records. No torch, no lm-eval install needed.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TASK_BENCHMARKS: dict[str, str] = {
    "mmlu": "mmlu",
    "mmlu_pro": "mmlu-pro",
    "leaderboard_mmlu_pro": "mmlu-pro",
    "bbh": "bbh",
    "bbh_cot_fewshot": "bbh",
    "bbh_fewshot": "bbh",
    "bbh_cot_zeroshot": "bbh",
    "bbh_zeroshot": "bbh",
    "leaderboard_bbh": "bbh",
    "gsm8k": "gsm8k",
    "gsm8k_cot": "gsm8k",
    "hellaswag": "hellaswag",
    "arc_challenge": "arc-challenge",
    "arc_easy": "arc-easy",
    "winogrande": "winogrande",
    "truthfulqa_mc2": "truthfulqa",
    "humaneval": "humaneval",
    "mbpp": "mbpp",
    "minerva_math": "math",
    "hendrycks_math": "math",
    "leaderboard_math_hard": "math-hard",
    "leaderboard_gpqa": "gpqa",
    "piqa": "piqa",
    "boolq": "boolq",
    "openbookqa": "openbookqa",
    "social_iqa": "siqa",
    "siqa": "siqa",
    "sciq": "sciq",
    "commonsense_qa": "commonsenseqa",
    "triviaqa": "triviaqa",
    "nq_open": "naturalquestions",
    "lambada_openai": "lambada",
    "agieval": "agieval",
    "drop": "drop",
    "xwinograd": "xwinograd",
}
"""lm-eval task name -> benchmark record id (extend or override with ``--task-map``)."""

METRIC_PREFERENCE: tuple[str, ...] = (
    "acc_norm,none",
    "acc,none",
    "exact_match,strict-match",
    "exact_match,get-answer",
    "exact_match,flexible-extract",
    "exact_match,none",
    "pass@1,create_test",
    "pass@1,none",
    "pass_at_1,none",
    "em,none",
    "f1,none",
)
"""Metric keys tried in order when a task has several (override per task with ``--metric``)."""

ACC_FIRST = {
    "mmlu",
    "mmlu_pro",
    "leaderboard_mmlu_pro",
    "winogrande",
    "truthfulqa_mc1",
    "truthfulqa_mc2",
    "boolq",
}
"""Tasks whose headline metric is ``acc`` even though ``acc_norm`` may be reported."""


class LmEvalImportError(ValueError):
    """A results file that cannot become score records; the message names the file and the problem."""


@dataclass(frozen=True)
class ImportOptions:
    """How to map a results file to records."""

    model_id: str
    """Model record id the scores belong to."""
    source_url: str
    """Where the results file is published (e.g. the pull request)."""
    task_map: Mapping[str, str]
    """Extra or overriding task -> benchmark mappings."""
    skip: frozenset[str] = frozenset()
    """Tasks deliberately not imported."""
    metrics: Mapping[str, str] | None = None
    """Task -> metric key (``acc,none``) to use instead of the preference order."""
    protocol: str | None = None
    """Protocol slug (default ``lm-eval-<version>``)."""
    recorded: dt.date | None = None
    """Date written as ``recorded`` (default today)."""


def read_results(path: Path) -> dict[str, Any]:
    """Parse an lm-eval results JSON file. NaN and infinities parse (lm-eval writes NaN for a
    standard error it could not compute); :func:`score_records` refuses one only in a value it imports,
    naming the file, task and field."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise LmEvalImportError(f"{path}:{err.lineno}: not valid JSON: {err.msg}") from None
    except UnicodeDecodeError as err:
        raise LmEvalImportError(
            f"{path}: not UTF-8 text (byte {err.start + 1} is 0x{err.object[err.start]:02x}): an lm-eval "
            "results file is JSON written in UTF-8"
        ) from None
    except OSError as err:
        raise LmEvalImportError(f"{path}: cannot read: {err.strerror}") from None
    if not isinstance(data, dict) or not isinstance(data.get("results"), dict):
        raise LmEvalImportError(f"{path}: not an lm-evaluation-harness results file (no 'results' mapping)")
    return data


def harness_version(data: Mapping[str, Any]) -> str:
    """lm-eval version (``lm_eval_version``), else ``git-<hash>``, else 'unknown'."""
    version = data.get("lm_eval_version")
    if isinstance(version, str) and re.match(r"^\d+(\.\d+)*", version):
        return version
    git_hash = data.get("git_hash")
    return f"git-{git_hash}" if isinstance(git_hash, str) and git_hash else "unknown"


def top_level_tasks(data: Mapping[str, Any]) -> list[str]:
    """Tasks of ``results`` that are not subtasks of a group also present in the file."""
    results = data["results"]
    children: set[str] = set()
    for group, subtasks in (data.get("group_subtasks") or {}).items():
        if group in results and isinstance(subtasks, list):
            children.update(subtasks)
    changed = True
    while changed:  # subtasks of subtask groups are children too
        changed = False
        for group, subtasks in (data.get("group_subtasks") or {}).items():
            if group in children and isinstance(subtasks, list) and not set(subtasks) <= children:
                children.update(subtasks)
                changed = True
    return [task for task in results if task not in children]


def pick_metric(task: str, metrics: Mapping[str, Any], forced: str | None) -> tuple[str, float]:
    """The metric key and its value for ``task``."""
    numeric = {
        k: v
        for k, v in metrics.items()
        if isinstance(v, int | float)
        and not isinstance(v, bool)
        and "_stderr" not in k
        and k not in ("sample_len", "sample_count")
    }
    if forced is not None:
        if forced not in numeric:
            raise LmEvalImportError(
                f"task {task!r}: metric {forced!r} not in the file (found {sorted(numeric)})"
            )
        return forced, float(numeric[forced])
    order = list(METRIC_PREFERENCE)
    if task in ACC_FIRST:
        order.remove("acc,none")
        order.insert(0, "acc,none")
    for key in order:
        if key in numeric:
            return key, float(numeric[key])
    raise LmEvalImportError(
        f"task {task!r}: none of the known metrics {order} is present (found {sorted(numeric)}); "
        f"choose one with --metric {task}=KEY"
    )


def _shots(data: Mapping[str, Any], task: str) -> int | None:
    n_shot = (data.get("n-shot") or {}).get(task)
    if isinstance(n_shot, int) and not isinstance(n_shot, bool):
        return n_shot
    config = (data.get("configs") or {}).get(task) or {}
    value = config.get("num_fewshot")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    subtasks = (data.get("group_subtasks") or {}).get(task) or []
    found = {_shots(data, sub) for sub in subtasks}
    return found.pop() if len(found) == 1 else None


def _cot(data: Mapping[str, Any], task: str) -> bool | None:
    if "cot" in task:
        return True
    config = (data.get("configs") or {}).get(task) or {}
    if config.get("output_type") in ("multiple_choice", "loglikelihood"):
        return False
    return None


def _protocol_notes(data: Mapping[str, Any], task: str, metric: str, version: str) -> str:
    config = data.get("config") or {}
    task_version = (data.get("versions") or {}).get(task)
    parts = [
        f"lm-evaluation-harness {version}" + (f" (git {data['git_hash']})" if data.get("git_hash") else ""),
        f"task {task}" + (f" v{task_version}" if task_version is not None else ""),
        f"metric {metric}",
        f"model {config.get('model')}",
        f"model_args {config.get('model_args')}",
        f"batch_size {config.get('batch_size')}",
    ]
    if data.get("transformers_version"):
        parts.append(f"transformers {data['transformers_version']}")
    return "; ".join(parts)[:2000]


def _model_args(data: Mapping[str, Any]) -> dict[str, str]:
    args = (data.get("config") or {}).get("model_args")
    if isinstance(args, dict):
        return {str(k): str(v) for k, v in args.items()}
    if not isinstance(args, str):
        return {}
    return dict(part.split("=", 1) for part in args.split(",") if "=" in part)


def _hardware(data: Mapping[str, Any]) -> str | None:
    info = data.get("pretty_env_info")
    if not isinstance(info, str):
        return None
    match = re.search(r"GPU models and configuration:\s*(.+)", info)
    if match and "No CUDA" not in match.group(1):
        return match.group(1).strip()[:200]
    return None


def _provenance(data: Mapping[str, Any], version: str) -> dict[str, Any]:
    provenance: dict[str, Any] = {
        "kind": "third_party",
        "by": f"lm-evaluation-harness {version}"[:200],
        "evaluator_version": version[:200],
    }
    dtype = _model_args(data).get("dtype") or _model_args(data).get("torch_dtype")
    if dtype:
        provenance["dtype"] = dtype[:200]
    hardware = _hardware(data)
    if hardware:
        provenance["hardware"] = hardware
    return provenance


def _check_run(path: Path, data: Mapping[str, Any]) -> None:
    limit = (data.get("config") or {}).get("limit")
    if limit not in (None, 0):
        raise LmEvalImportError(
            f"{path}: the run used limit={limit!r}; a score on a subset of a benchmark is not comparable, "
            "rerun without --limit"
        )


def _record_id(model_id: str, task: str, shots: int | None) -> str:
    shot = "" if shots is None else f".{shots}shot"
    record_id = f"{model_id}.lm-eval.{task.lower()}{shot}"
    if len(record_id) > 120:
        raise LmEvalImportError(f"record id {record_id!r} would be longer than 120 characters")
    return record_id


def score_records(path: Path, data: Mapping[str, Any], options: ImportOptions) -> list[dict[str, Any]]:
    """One score record per top-level task of ``data`` (see the module docstring)."""
    _check_run(path, data)
    mapping = {**TASK_BENCHMARKS, **options.task_map}
    tasks = [t for t in top_level_tasks(data) if t not in options.skip]
    unknown = [t for t in tasks if t not in mapping]
    if unknown:
        raise LmEvalImportError(
            f"{path}: no benchmark is known for lm-eval task(s) {unknown}; map them with "
            f"--task-map TASK=BENCHMARK or leave them out with --skip TASK"
        )
    if not tasks:
        raise LmEvalImportError(f"{path}: no task left to import")
    version = harness_version(data)
    protocol = options.protocol or _slug(f"lm-eval-{version}")
    records = []
    for task in tasks:
        metric, value = pick_metric(task, data["results"][task], (options.metrics or {}).get(task))
        if not math.isfinite(value):
            raise LmEvalImportError(
                f"{path}: task {task!r} field {metric!r} is {value}, not a result: lm-eval writes NaN when "
                f"a metric could not be computed; rerun the task, or choose another metric with --metric "
                f"{task}=KEY or leave the task out with --skip {task}"
            )
        if not 0.0 <= value <= 1.0:
            raise LmEvalImportError(
                f"{path}: task {task!r} metric {metric!r} is {value}; lm-eval writes fractions in [0, 1]"
            )
        name, _, filt = metric.partition(",")
        shots = _shots(data, task)
        record: dict[str, Any] = {
            "id": _record_id(options.model_id, task, shots),
            "model": options.model_id,
            "benchmark": mapping[task],
            "value": round(100.0 * value, 4),
            "metric": name if filt in ("", "none") else f"{name} ({filt})",
            "protocol": protocol,
            "protocol_notes": _protocol_notes(data, task, metric, version),
            "source": {"url": options.source_url, "locator": f"results[{task!r}][{metric!r}]"[:2000]},
            "provenance": _provenance(data, version),
            "recorded": options.recorded or dt.date.today(),
        }
        if shots is not None:
            record["shots"] = shots
        cot = _cot(data, task)
        if cot is not None:
            record["cot"] = cot
        records.append(record)
    return records


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9._+-]+", "-", text.lower()).strip("-._+")
    return slug[:120] or "lm-eval"


def parse_pairs(values: Sequence[str], option: str) -> dict[str, str]:
    """``["a=b", ...]`` -> ``{"a": "b"}``; a value without '=' is an error naming ``option``."""
    pairs = {}
    for value in values:
        key, sep, target = value.partition("=")
        if not sep or not key or not target:
            raise LmEvalImportError(f"{option} expects TASK=VALUE, got {value!r}")
        pairs[key] = target
    return pairs


def check_model_name(path: Path, data: Mapping[str, Any], model_id: str, hf_repo: str | None) -> None:
    """Refuse results of another model: ``pretrained=`` in the file must match the record's ``hf_repo``."""
    pretrained = _model_args(data).get("pretrained") or (data.get("config") or {}).get("model_name")
    if not hf_repo or not isinstance(pretrained, str) or pretrained.startswith(("/", ".", "~")):
        return
    if pretrained.strip().lower() != hf_repo.lower():
        raise LmEvalImportError(
            f"{path}: the results are for {pretrained!r} but model {model_id!r} has hf_repo {hf_repo!r}; "
            "check --model"
        )
