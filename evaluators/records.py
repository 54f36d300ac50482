"""The records an evaluation run writes, always through :func:`densing_data.store.append_records`.

- a **reference measurement** (``--ruler``): the loss (and, for multiple-choice tasks, accuracy) of
  one reference-model checkpoint, id ``<ruler>.<reference name>.<benchmark>``;
- a **score** (``--as-score``): the multiple-choice accuracy of a leaderboard model, id
  ``<model>.<benchmark>.densing-eval-<shots>shot``.

Before a run starts, :func:`preflight` checks that the record does not exist yet and that what it
points to (ruler, benchmark, model) does, so a long run never ends in a refused write.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from densing_data.record_files import slugify
from densing_data.report import Report
from densing_data.store import StoreError, append_records
from densing_data.validate import read_records_dir
from evaluators import EVALUATOR_VERSION
from evaluators.aggregate import LOSS_DEFINITION, TaskSummary

PROTOCOL = "densing-eval-loglik"
"""Protocol of evaluator scores: accuracy from option log-likelihoods, this evaluator's prompts."""


@dataclass(frozen=True)
class ReferencePlan:
    """What a reference-measurement record says about the checkpoint measured."""

    ruler: str
    """Ruler id the measurement belongs to."""
    name: str
    """Reference model name (one checkpoint), e.g. 'DensingLaw s3'."""
    training_tokens: int
    """D: tokens seen at this checkpoint."""
    checkpoint: str | None
    """Checkpoint label (step, revision)."""
    final: bool
    """The checkpoint ends its training run."""


@dataclass(frozen=True)
class ScorePlan:
    """What a score record says about the model measured."""

    model_id: str
    """Model record id."""
    source_url: str
    """Where the raw results are published (e.g. the pull request)."""


@dataclass(frozen=True)
class Measurement:
    """One finished run, as the records need it."""

    benchmark: str
    """Benchmark id."""
    summary: TaskSummary
    """Task figures."""
    shots: int
    """Few-shot exemplars used."""
    params_total: int
    """Parameters counted from the loaded model."""
    params_definition: str
    """How they were counted."""
    tokenizer: str
    """Tokenizer name as loaded."""
    dtype: str
    """bf16 or fp32."""
    hardware: str
    """Device description."""
    data_note: str
    """Where the task data came from (file and sha256, or data set)."""


def reference_id(plan: ReferencePlan, benchmark: str) -> str:
    """Id of the reference record of ``plan`` on ``benchmark``."""
    return _checked_id(f"{plan.ruler}.{slugify(plan.name)}.{benchmark}")


def score_id(plan: ScorePlan, benchmark: str, shots: int) -> str:
    """Id of the score record of ``plan`` on ``benchmark``."""
    return _checked_id(f"{plan.model_id}.{benchmark}.densing-eval-{shots}shot")


def _checked_id(record_id: str) -> str:
    if len(record_id) > 120:
        raise ValueError(f"record id {record_id!r} is longer than 120 characters; use a shorter name")
    return record_id


def preflight(kind: str, record_id: str, needs: dict[str, str], records_dir: Path | None) -> bool:
    """False when record ``record_id`` exists already; raise StoreError when a needed record is missing.

    ``needs`` maps a record kind (ruler, benchmark, model) to the id that must be current.
    """
    from densing_data.paths import RECORDS_DIR

    root = records_dir if records_dir is not None else RECORDS_DIR
    records, report = read_records_dir(root)
    if not report.ok:
        raise StoreError(report)
    if record_id in {p.record.id for p in records.history(kind)}:
        return False
    missing = Report()
    for need_kind, need_id in needs.items():
        if need_id not in {p.record.id for p in records.current(need_kind)}:
            missing.add(
                str(root),
                0,
                f"{kind} {record_id!r} needs a current {need_kind} record {need_id!r}, and there is none; "
                f"add it first (records/{need_kind}s/{need_id}.yaml)",
                kind="reference",
            )
    if not missing.ok:
        raise StoreError(missing)
    return True


def _provenance(m: Measurement) -> dict[str, Any]:
    return {
        "kind": "evaluator",
        "by": "densing evaluate",
        "evaluator_version": EVALUATOR_VERSION,
        "dtype": m.dtype,
        "hardware": m.hardware,
    }


def _notes(m: Measurement) -> str:
    s = m.summary
    return (
        f"sum_nll={s.nll_sum:.6f} nats over answer_tokens={s.answer_tokens}; token-weighted mean "
        f"{s.loss_token_weighted:.6f} nats/token; truncated_items={s.truncated}; data: {m.data_note}"
    )[:2000]


def reference_record(plan: ReferencePlan, m: Measurement, today: dt.date | None = None) -> dict[str, Any]:
    """The reference-measurement record of a finished run."""
    record: dict[str, Any] = {
        "id": reference_id(plan, m.benchmark),
        "ruler": plan.ruler,
        "reference_model": {
            "name": plan.name,
            "params": m.params_total,
            "params_definition": m.params_definition,
            "training_tokens": plan.training_tokens,
            "final": plan.final,
        },
        "benchmark": m.benchmark,
        "loss": round(m.summary.loss, 6),
        "loss_unit": "nats_per_token",
        "loss_definition": LOSS_DEFINITION,
        "item_count": m.summary.items,
        "tokenizer": m.tokenizer[:200],
        "shots": m.shots,
        "provenance": _provenance(m),
        "recorded": today or dt.date.today(),
        "notes": _notes(m),
    }
    if plan.checkpoint:
        record["reference_model"]["checkpoint"] = plan.checkpoint
    if m.summary.accuracy is not None:
        record["score"] = round(m.summary.accuracy, 4)
    return record


def score_record(plan: ScorePlan, m: Measurement, today: dt.date | None = None) -> dict[str, Any]:
    """The score record (multiple-choice accuracy) of a finished run."""
    if m.summary.accuracy is None:
        raise ValueError(
            f"{m.benchmark}: no accuracy to record (a score needs options on every item); "
            "record the loss with --ruler instead"
        )
    return {
        "id": score_id(plan, m.benchmark, m.shots),
        "model": plan.model_id,
        "benchmark": m.benchmark,
        "value": round(m.summary.accuracy, 4),
        "metric": "acc",
        "shots": m.shots,
        "cot": False,
        "protocol": PROTOCOL,
        "protocol_notes": "accuracy from option log-likelihoods after the instruction (densing evaluate)",
        "source": {"url": plan.source_url},
        "provenance": _provenance(m),
        "recorded": today or dt.date.today(),
        "notes": _notes(m),
    }


def write_record(kind: str, record: dict[str, Any], records_dir: Path | None) -> list[Path]:
    """Append ``record`` through the store (validated, atomic, duplicate ids refused)."""
    return append_records(kind, [record], records_dir=records_dir)
