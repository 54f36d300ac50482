"""``densing add report FILE``: a model and its scores from one report, in one small YAML file.

The file (template: ``docs/templates/new-model.yaml``) names one source and one protocol for every
score, a model block (a new model record in the records' own layout; counts such as ``8.2B`` or
``36T`` allowed) or the id of an existing model, and a table of scores::

    source: {url: https://arxiv.org/abs/2505.09388}
    protocol: qwen3-report
    provenance: developer            # or third_party
    provenance_by: Qwen team
    model: {id: qwen3-8b-base, ...}  # or: model: qwen3-8b-base (already recorded)
    scores:
      #  benchmark  value  shots  cot   locator
      - [mmlu,      76.89, 5,     null, Table 6]
      - {benchmark: bbh, value: 78.4, shots: 3, cot: true, locator: Table 6, metric: EM}

Every problem is reported as ``FILE:LINE: message``; the records are validated together and
appended through the store as one group (all or nothing).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from densing_data.contrib.add import default_score_id, parse_count, reference_errors
from densing_data.paths import RECORDS_DIR
from densing_data.report import Report
from densing_data.schema.records import MAX_PARAMS, MAX_TOKENS, RECORD_MODELS
from densing_data.store import append_record_groups
from densing_data.strict_yaml import Document, YamlProblem, parse_yaml, read_bounded
from densing_data.validate import RecordSet, read_records_dir

TOP_KEYS = {
    "source",
    "protocol",
    "protocol_notes",
    "provenance",
    "provenance_by",
    "recorded",
    "notes",
    "model",
    "scores",
}
ROW_COLUMNS = ("benchmark", "value", "shots", "cot", "locator")
ROW_KEYS = {*ROW_COLUMNS, "metric", "notes", "id"}
COUNT_FIELDS = {"params_total": MAX_PARAMS, "params_active": MAX_PARAMS, "training_tokens": MAX_TOKENS}
"""Count fields a report may write as ``7.24B``, with the largest value each may hold."""


class TemplateError(Exception):
    """A report file that cannot be added; ``report`` holds every problem with its line."""

    def __init__(self, report: Report) -> None:
        super().__init__(report.render())
        self.report = report


@dataclass(frozen=True)
class ReportRecords:
    """The records a report file makes."""

    model: dict[str, Any] | None
    """The new model record (None when the file names an existing model)."""
    model_id: str
    scores: list[dict[str, Any]]


def read_report(path: Path, records_dir: Path | None = None) -> ReportRecords:
    """Build and check the records of the report file ``path``; raise :class:`TemplateError`."""
    shown = str(path)
    report = Report()
    try:
        doc = parse_yaml(read_bounded(path))
    except YamlProblem as err:
        report.add(shown, err.line, err.message, kind="yaml")
        raise TemplateError(report) from None
    except OSError as err:
        report.add(shown, 0, f"cannot read file: {err.strerror}", kind="yaml")
        raise TemplateError(report) from None
    data = doc.data
    if not isinstance(data, dict):
        report.add(shown, 1, "expected a mapping with source, protocol, model and scores", kind="schema")
        raise TemplateError(report)
    for key in data:
        if key not in TOP_KEYS:
            report.add(shown, doc.line_of((key,)), f"unknown key {key!r}; expected {sorted(TOP_KEYS)}")
    for key in ("source", "protocol", "provenance", "model", "scores"):
        if key not in data:
            report.add(shown, 1, f"{key!r} is required")
    if not report.ok:
        raise TemplateError(report)
    records, _ = read_records_dir(records_dir or RECORDS_DIR, use_cache=True)
    model, model_id = _model(doc, shown, report)
    scores = _scores(doc, model_id, records, shown, report)
    if model is not None:
        for problem in reference_errors("model", model, records):
            report.add(shown, doc.line_of(("model", "derived_from")), problem)
        if model_id in {p.record.id for p in records.history("model")}:
            report.add(
                shown,
                doc.line_of(("model", "id")),
                f"model {model_id!r} is already recorded: write `model: {model_id}`",
            )
    elif model_id not in {p.record.id for p in records.current("model")}:
        report.add(shown, doc.line_of(("model",)), f"no model has the id {model_id!r}: give the model block")
    if not report.ok:
        raise TemplateError(report)
    return ReportRecords(model=model, model_id=model_id, scores=scores)


def _model(doc: Document, shown: str, report: Report) -> tuple[dict[str, Any] | None, str]:
    block = doc.data["model"]
    if isinstance(block, str):
        return None, block
    if not isinstance(block, dict):
        report.add(
            shown, doc.line_of(("model",)), "model must be a model record (mapping) or an existing model id"
        )
        return None, ""
    model = dict(block)
    for name, maximum in COUNT_FIELDS.items():
        if isinstance(model.get(name), str):
            try:
                model[name] = parse_count(model[name], maximum)
            except ValueError as err:
                report.add(shown, doc.line_of(("model", name)), f"model {name}: {err}")
    _validate("model", model, doc, ("model",), shown, report)
    return model, str(model.get("id", ""))


def _scores(
    doc: Document, model_id: str, records: RecordSet, shown: str, report: Report
) -> list[dict[str, Any]]:
    data = doc.data
    rows = data["scores"]
    if not isinstance(rows, list) or not rows:
        report.add(shown, doc.line_of(("scores",)), "scores must be a non-empty list of rows")
        return []
    source = data["source"] if isinstance(data["source"], dict) else {"url": data["source"]}
    taken = {p.record.id for p in records.history("score")}
    benchmarks = {p.record.id for p in records.current("benchmark")}
    out = []
    for index, raw in enumerate(rows):
        where = ("scores", index)
        row = _row(raw, doc, where, shown, report)
        if row is None:
            continue
        if row.get("benchmark") not in benchmarks:
            report.add(
                shown,
                doc.line_of(where),
                f"benchmark {row.get('benchmark')!r} is not recorded (see densing_data/records/benchmarks/)",
            )
        record: dict[str, Any] = {
            "model": model_id,
            "benchmark": row.get("benchmark"),
            "value": row.get("value"),
            "metric": row.get("metric"),
            "shots": row.get("shots"),
            "cot": row.get("cot"),
            "protocol": data["protocol"],
            "protocol_notes": data.get("protocol_notes"),
            "source": {**source, **({"locator": row["locator"]} if row.get("locator") else {})},
            "provenance": {"kind": data["provenance"], "by": data.get("provenance_by")},
            "recorded": data.get("recorded") or dt.date.today(),
            "notes": row.get("notes") or data.get("notes"),
        }
        record = _drop_none(record)
        record = {
            "id": row.get("id")
            or default_score_id(
                record["model"], record["benchmark"], record["protocol"], taken, record.get("shots")
            )
        } | record
        taken.add(record["id"])
        _validate("score", record, doc, where, shown, report)
        out.append(record)
    return out


def _row(
    raw: Any, doc: Document, where: tuple[Any, ...], shown: str, report: Report
) -> dict[str, Any] | None:
    if isinstance(raw, list):
        if len(raw) != len(ROW_COLUMNS):
            report.add(
                shown,
                doc.line_of(where),
                f"a score row has {len(ROW_COLUMNS)} cells [{', '.join(ROW_COLUMNS)}] (null for "
                f"unstated), got {len(raw)}",
            )
            return None
        return dict(zip(ROW_COLUMNS, raw, strict=True))
    if isinstance(raw, dict):
        unknown = sorted(set(raw) - ROW_KEYS)
        if unknown:
            report.add(
                shown,
                doc.line_of(where),
                f"unknown score key(s) {unknown}; expected some of {sorted(ROW_KEYS)}",
            )
            return None
        return dict(raw)
    report.add(
        shown,
        doc.line_of(where),
        "a score row is a list [benchmark, value, shots, cot, locator] or a mapping",
    )
    return None


def _drop_none(data: dict[str, Any]) -> dict[str, Any]:
    return {k: (_drop_none(v) if isinstance(v, dict) else v) for k, v in data.items() if v is not None}


def _validate(
    kind: str, record: dict[str, Any], doc: Document, where: tuple[Any, ...], shown: str, report: Report
) -> None:
    try:
        RECORD_MODELS[kind].model_validate(record)
    except ValidationError as err:
        for error in err.errors(include_url=False):
            loc = tuple(str(p) for p in error["loc"])
            line = doc.line_of(where + loc) if kind == "model" else doc.line_of(where)
            report.add(shown, line, f"{kind} {'.'.join(loc) or 'record'}: {error['msg']}")


def add_report(path: Path, records_dir: Path | None = None, *, dry_run: bool = False) -> ReportRecords:
    """Check ``path`` and append its model and scores through the store as one group (unless ``dry_run``)."""
    made = read_report(path, records_dir)
    if not dry_run:
        groups: dict[str, list[dict[str, Any]]] = {"score": made.scores}
        if made.model is not None:
            groups = {"model": [made.model], **groups}
        append_record_groups(groups, records_dir=records_dir)
    return made
