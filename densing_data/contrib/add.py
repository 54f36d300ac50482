"""Records built from command-line values (``densing add model``, ``densing add score``).

Each command-line option maps to one field path of the record (``source_url`` -> ``source.url``).
A new record needs every required option; a correction (``--supersedes ID``) starts from the
current revision of ID, changes only the options given, and is appended as revision n+1 with its
``correction_note``. Records are written only through :func:`densing_data.store.append_records`.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from densing_data.paths import RECORDS_DIR
from densing_data.schema.records import RECORD_MODELS
from densing_data.store import append_records, record_to_yaml_dict
from densing_data.validate import RecordSet, read_records_dir

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


_SCALE = {"K": 10**3, "M": 10**6, "B": 10**9, "T": 10**12}


def parse_count(value: Any, maximum: int | None = None) -> int:
    """A count such as parameters or tokens: an integer, or a number with K, M, B or T (``7.24B``),
    from 1 to ``maximum``; raise ValueError saying what is wrong with anything else (``infT``,
    ``nanB``, ``-3``, ``1e30``...). Decimal arithmetic keeps ``7.24B`` exactly 7,240,000,000."""
    expected = "expected e.g. 7241732096, 7.24B, 300M or 2T"
    if isinstance(value, int) and not isinstance(value, bool):
        count = value
    else:
        text = str(value).strip().replace("_", "").replace(",", "")
        scale = _SCALE.get(text[-1:].upper(), 1)
        digits = text[:-1] if scale > 1 else text
        if not re.fullmatch(r"\d{1,30}(\.\d{1,30})?" if scale > 1 else r"\d{1,30}", digits):
            raise ValueError(f"{value!r} is not a count ({expected})")
        exact = decimal.Decimal(digits) * scale
        count = int(exact.to_integral_value(rounding=decimal.ROUND_HALF_EVEN))
    if count < 1:
        raise ValueError(f"{value!r} is not a positive count ({expected})")
    if maximum is not None and count > maximum:
        raise ValueError(
            f"{value!r} is above {maximum:,} ({maximum // 10**12:,}T), the largest count a record may hold"
        )
    return count


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


def default_score_id(
    model: str, benchmark: str, protocol: str, taken: set[str], shots: int | None = None
) -> str:
    """``<model>.<benchmark>[.<N>shot].<protocol>`` (the shots part only when given: the ids of the
    shipped records), with ``-2``, ``-3``, ... when taken; at most 120 characters."""
    setting = f".{shots}shot" if shots is not None else ""
    stem = f"{model}.{benchmark}{setting}.{protocol}"[:114].rstrip("._+-")
    candidate, n = stem, 1
    while candidate in taken:
        n += 1
        candidate = f"{stem}-{n}"
    return candidate


def flag_errors(kind: str, record: Mapping[str, Any]) -> list[str]:
    """Schema problems of ``record``, each naming the option and the value at fault."""
    try:
        RECORD_MODELS[kind].model_validate(dict(record))
    except ValidationError as err:
        return [_flag_message(kind, record, error) for error in err.errors(include_url=False)]
    return []


def _flag_message(kind: str, record: Mapping[str, Any], error: Any) -> str:
    loc = tuple(str(part) for part in error["loc"])
    by_path = {path: name for name, path in FIELD_PATHS[kind].items()}
    for size in range(len(loc), 0, -1):
        name = by_path.get(loc[:size])
        if name is not None:
            value = _value_at(record, loc[:size])
            shown = "" if value is None else f" {_quote(value)}"
            return f"{option_flag(name)}{shown}: {error['msg']}"
    return f"{kind} field {'.'.join(loc) or 'record'}: {error['msg']}"


def _value_at(record: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = record
    for part in path:
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _quote(value: Any) -> str:
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return text if text and " " not in text and len(text) <= 80 else repr(text[:80])


def reference_errors(kind: str, record: Mapping[str, Any], records: RecordSet) -> list[str]:
    """The models and benchmarks ``record`` names that no current record has, as option messages."""
    models = {p.record.id for p in records.current("model")}
    problems = []
    if kind == "score":
        if record.get("model") not in models:
            problems.append(
                f"--model {record.get('model')}: no model has this id (add it first with `densing add model`)"
            )
        benchmarks = {p.record.id for p in records.current("benchmark")}
        if record.get("benchmark") not in benchmarks:
            problems.append(
                f"--benchmark {record.get('benchmark')}: no benchmark has this id (known: "
                f"{', '.join(sorted(benchmarks)[:12])}{', ...' if len(benchmarks) > 12 else ''})"
            )
    parent = (record.get("derived_from") or {}).get("model") if kind == "model" else None
    if parent is not None and parent not in models:
        problems.append(f"--derived-from {parent}: no model has this id")
    return problems


def add_record(kind: str, record: dict[str, Any], records_dir: Path | None = None) -> AddResult:
    """Append ``record`` through the store (which validates it against everything); see :class:`AddResult`.

    Raise :class:`AddError` naming the options at fault when the record breaks the schema or names a
    model or benchmark that does not exist; other rules (duplicates, ...) come back as ``StoreError``.
    """
    if kind == "score":
        record.setdefault("recorded", dt.date.today())
    problems = flag_errors(kind, record | ({"id": "x"} if "id" not in record else {}))
    if problems:
        raise AddError("; ".join(problems) if len(problems) == 1 else "\n".join(problems))
    records, _ = read_records_dir(
        Path(records_dir) if records_dir is not None else RECORDS_DIR, use_cache=True
    )
    problems = reference_errors(kind, record, records)
    if problems:
        raise AddError("\n".join(problems))
    if kind == "score" and "id" not in record:
        taken = {p.record.id for p in records.history("score")}
        score_id = default_score_id(record["model"], record["benchmark"], record["protocol"], taken)
        record = {"id": score_id} | record
    written = append_records(kind, [record], records_dir=records_dir)
    return AddResult(kind=kind, record_id=record["id"], revision=record.get("revision", 1), path=written[0])
