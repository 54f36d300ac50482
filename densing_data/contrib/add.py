"""Records built from command-line values (``densing add model``, ``densing add score``).

Each command-line option maps to one field path of the record (``source_url`` -> ``source.url``).
A new record needs every required option; a correction (``--supersedes ID``) starts from the
current revision of ID, changes only the options given, and is appended as revision n+1 with its
``correction_note``. Records are written only through :func:`densing_data.store.append_records`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from densing_data.paths import RECORDS_DIR
from densing_data.store import append_records, record_to_yaml_dict
from densing_data.validate import read_records_dir

FIELD_PATHS: dict[str, dict[str, tuple[str, ...]]] = {
    "model": {
        "id": ("id",),
        "name": ("name",),
        "family": ("family",),
        "organization": ("organization",),
        "hf_repo": ("hf_repo",),
        "release_date": ("release_date",),
        "params_total": ("params_total",),
        "params_active": ("params_active",),
        "params_nominal": ("params_nominal",),
        "training_tokens": ("training_tokens",),
        "kind": ("kind",),
        "license": ("license",),
        "notes": ("notes",),
        "derived_from": ("derived_from", "model"),
        "derived_method": ("derived_from", "method"),
        "release_date_source_url": ("sources", "release_date", "url"),
        "release_date_source_locator": ("sources", "release_date", "locator"),
        "params_source_url": ("sources", "params", "url"),
        "params_source_locator": ("sources", "params", "locator"),
        "training_tokens_source_url": ("sources", "training_tokens", "url"),
        "training_tokens_source_locator": ("sources", "training_tokens", "locator"),
    },
    "score": {
        "id": ("id",),
        "model": ("model",),
        "benchmark": ("benchmark",),
        "value": ("value",),
        "metric": ("metric",),
        "shots": ("shots",),
        "cot": ("cot",),
        "protocol": ("protocol",),
        "protocol_notes": ("protocol_notes",),
        "notes": ("notes",),
        "recorded": ("recorded",),
        "source_url": ("source", "url"),
        "source_locator": ("source", "locator"),
        "provenance": ("provenance", "kind"),
        "provenance_by": ("provenance", "by"),
        "contamination_evidence_url": ("contamination", "evidence_url"),
        "contamination_note": ("contamination", "note"),
    },
}
"""Kind -> option name (underscores) -> field path in the record."""

REQUIRED: dict[str, tuple[str, ...]] = {
    "model": (
        "id",
        "name",
        "family",
        "organization",
        "release_date",
        "release_date_source_url",
        "params_total",
        "kind",
    ),
    "score": ("model", "benchmark", "value", "protocol", "source_url", "provenance"),
}
"""Options a new record of each kind cannot do without."""


class AddError(ValueError):
    """Command-line values that cannot make a record (the message names the options)."""


@dataclass(frozen=True)
class AddResult:
    """A record appended by ``densing add``."""

    kind: str
    record_id: str
    revision: int
    path: Path
    """The record file it was appended to."""


def option_flag(name: str) -> str:
    """``release_date_source_url`` -> ``--release-date-source-url``."""
    return "--" + name.replace("_", "-")


def build_record(kind: str, options: Mapping[str, Any], links: list[tuple[str, str]] | None = None) -> dict:
    """A new record of ``kind`` from option values (None = not given); raise :class:`AddError` when a
    required option is missing."""
    missing = [option_flag(n) for n in REQUIRED[kind] if options.get(n) is None]
    if missing:
        raise AddError(f"a new {kind} needs {', '.join(missing)} (or use --supersedes ID to correct one)")
    record: dict[str, Any] = {}
    _apply(kind, record, options)
    if links:
        record["links"] = [{"label": label, "url": url} for label, url in links]
    return record


def _apply(kind: str, record: dict[str, Any], options: Mapping[str, Any]) -> None:
    for name, value in options.items():
        if value is None:
            continue
        path = FIELD_PATHS[kind].get(name)
        if path is None:
            raise ValueError(f"no {kind} field for option {name!r}")
        target = record
        for part in path[:-1]:
            target = target.setdefault(part, {})
        target[path[-1]] = value
    if "contamination" in record:
        record["contamination"]["suspected"] = True


def supersede_record(
    kind: str,
    record_id: str,
    options: Mapping[str, Any],
    note: str | None,
    *,
    retract: bool = False,
    records_dir: Path | None = None,
) -> dict:
    """The next revision of ``record_id`` with the given options changed."""
    if not note:
        raise AddError("a correction needs --correction-note saying why it replaces the current revision")
    frozen = ("id", "model") if kind == "score" else ("id",)
    given = [option_flag(n) for n in frozen if options.get(n) is not None]
    if given:
        raise AddError(
            f"{', '.join(given)} cannot be given with --supersedes: a correction keeps the "
            "record's identity (add a new record instead)"
        )
    records, _ = read_records_dir(Path(records_dir) if records_dir is not None else RECORDS_DIR)
    head = records.heads(kind).get(record_id)
    if head is None:
        raise AddError(f"--supersedes {record_id}: no {kind} with that id")
    record = record_to_yaml_dict(head.record)
    _apply(kind, record, options)
    record.update(revision=head.record.revision + 1, correction_note=note)
    if kind == "score" and options.get("recorded") is None:
        record["recorded"] = dt.date.today()
    if retract:
        record["retracted"] = True
    return record


def default_score_id(model: str, benchmark: str, protocol: str, taken: set[str]) -> str:
    """``<model>.<benchmark>.<protocol>``, with ``-2``, ``-3``, ... when taken; at most 120 characters."""
    stem = f"{model}.{benchmark}.{protocol}"[:114].rstrip("._+-")
    candidate, n = stem, 1
    while candidate in taken:
        n += 1
        candidate = f"{stem}-{n}"
    return candidate


def add_record(kind: str, record: dict[str, Any], records_dir: Path | None = None) -> AddResult:
    """Append ``record`` through the store (which validates it against everything); see :class:`AddResult`."""
    if kind == "score":
        record.setdefault("recorded", dt.date.today())
        if "id" not in record:
            records, _ = read_records_dir(Path(records_dir) if records_dir is not None else RECORDS_DIR)
            taken = {p.record.id for p in records.history("score")}
            score_id = default_score_id(record["model"], record["benchmark"], record["protocol"], taken)
            record = {"id": score_id} | record
    written = append_records(kind, [record], records_dir=records_dir)
    return AddResult(kind=kind, record_id=record["id"], revision=record.get("revision", 1), path=written[0])
