"""Record files: where each kind lives (the path contract) and reading one file into records.

Layout under a records directory::

    models/<model-id>.yaml          revisions of one model (every id equals the file name)
    scores/<model-id>.yaml          scores of one model (every ``model`` equals the file name)
    references/<ruler-id>/<name>.yaml  reference measurements of one ruler
    benchmarks/<benchmark-id>.yaml  revisions of one benchmark
    rulers/<ruler-id>.yaml          revisions of one ruler

Each file is a mapping ``{schema_version: 1, records: [...]}`` whose ``records`` key comes last, so
the store can append by adding text at the end without touching earlier bytes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from densing_data.report import Report
from densing_data.schema.records import (
    KIND_FOLDERS,
    RECORD_MODELS,
    SCHEMA_VERSION,
    SLUG_PATTERN,
)
from densing_data.strict_yaml import Document, YamlProblem, parse_yaml, read_bounded

FOLDER_KINDS = {folder: kind for kind, folder in KIND_FOLDERS.items()}
MAX_PROBLEMS_PER_FILE = 1_000
"""Records of a file are checked until this many problems are found in it (a hostile file of
thousands of broken records costs no more than this); the report says where checking stopped."""
_SLUG = re.compile(SLUG_PATTERN)


@dataclass(frozen=True)
class ParsedRecord:
    """A record read from a file, validated against its kind's schema."""

    kind: str
    path: str
    line: int
    record: Any
    """The pydantic record (see :mod:`densing_data.schema.records`)."""


def slugify(name: str) -> str:
    """A file-name slug for a free-form name: lower case, runs of other characters become '-'."""
    slug = re.sub(r"[^a-z0-9._+]+", "-", name.lower()).strip("-._+")
    return slug[:120] or "unnamed"


def display_path(path: Path, base: Path | None) -> str:
    """``path`` relative to ``base`` when it lies below it, else as given."""
    if base is not None:
        try:
            return str(path.resolve().relative_to(base.resolve().parent))
        except ValueError:
            pass
    return str(path)


def expected_location(kind: str, record: Any) -> tuple[str, ...]:
    """Path parts (below the records directory) of the file a record must live in."""
    folder = KIND_FOLDERS[kind]
    if kind == "score":
        return (folder, f"{record.model}.yaml")
    if kind == "reference":
        return (folder, record.ruler, f"{slugify(record.reference_model.name)}.yaml")
    return (folder, f"{record.id}.yaml")


def kind_of(path: Path, records_dir: Path | None) -> tuple[str | None, str | None]:
    """The record kind a file's location implies, or ``(None, reason)`` when the path breaks the contract."""
    parts = _parts_below(path, records_dir)
    if path.suffix != ".yaml":
        return None, f"record files end in .yaml, got {path.name!r}"
    if not _SLUG.match(path.stem):
        return None, f"file name {path.name!r} is not a lower-case slug"
    if parts is None or len(parts) < 2:
        return None, "expected <kind>/<name>.yaml below the records directory"
    folder = parts[-3] if len(parts) >= 3 and parts[-3] == "references" else parts[-2]
    kind = FOLDER_KINDS.get(folder)
    if kind is None:
        return None, f"expected a folder of {sorted(FOLDER_KINDS)}, got {folder!r}"
    if kind == "reference" and (len(parts) < 3 or parts[-3] != "references"):
        return None, "expected references/<ruler-id>/<name>.yaml"
    return kind, None


def _parts_below(path: Path, records_dir: Path | None) -> tuple[str, ...] | None:
    if records_dir is None:
        return path.parts
    try:
        return path.resolve().relative_to(records_dir.resolve()).parts
    except ValueError:
        return path.parts


def read_record_file(
    path: Path, records_dir: Path | None, report: Report, shown: str | None = None
) -> list[ParsedRecord]:
    """Read and schema-check one record file; every problem goes into ``report``."""
    shown = shown or str(path)
    kind, reason = kind_of(path, records_dir)
    if kind is None:
        report.add(shown, 0, f"bad record path: {reason}", kind="path")
        return []
    try:
        raw = read_bounded(path)
        doc = parse_yaml(raw)
    except YamlProblem as err:
        report.add(shown, err.line, err.message, kind="yaml")
        return []
    except OSError as err:
        report.add(shown, 0, f"cannot read file: {err.strerror}", kind="yaml")
        return []
    items = _check_envelope(doc, shown, report)
    parsed = []
    first = len(report.problems)
    for index, item in enumerate(items):
        if len(report.problems) - first >= MAX_PROBLEMS_PER_FILE:
            report.add(
                shown,
                0,
                f"checking stopped after {MAX_PROBLEMS_PER_FILE:,} problems, at record {index + 1} of "
                f"{len(items):,}: fix those first",
                kind="limit",
            )
            break
        rec = _validate_item(kind, doc, index, item, shown, report)
        if rec is not None:
            parsed.append(rec)
            _check_location(kind, rec, path, shown, report)
    return parsed


def _check_envelope(doc: Document, shown: str, report: Report) -> list[Any]:
    data = doc.data
    if not isinstance(data, dict):
        report.add(shown, 1, f"expected a mapping with schema_version and records, got {_type(data)}")
        return []
    keys = list(data)
    unknown = [k for k in keys if k not in ("schema_version", "records")]
    for key in unknown:
        report.add(
            shown, doc.line_of((key,)), f"unknown top-level key {key!r} (expected schema_version, records)"
        )
    version = data.get("schema_version")
    if version != SCHEMA_VERSION or isinstance(version, bool):
        report.add(
            shown,
            doc.line_of(("schema_version",)),
            f"schema_version must be {SCHEMA_VERSION}, got {version!r}",
        )
    if "records" not in data:
        report.add(shown, 1, "missing key 'records' (a list of records)")
        return []
    if keys[-1] != "records":
        report.add(shown, doc.line_of(("records",)), "'records' must be the last top-level key")
    items = data["records"]
    if not isinstance(items, list) or not items:
        report.add(
            shown, doc.line_of(("records",)), f"'records' must be a non-empty list, got {_type(items)}"
        )
        return []
    return items


def _validate_item(
    kind: str, doc: Document, index: int, item: Any, shown: str, report: Report
) -> ParsedRecord | None:
    line = doc.line_of(("records", index))
    if not isinstance(item, dict):
        report.add(shown, line, f"record {index + 1}: expected a mapping, got {_type(item)}")
        return None
    model = RECORD_MODELS[kind]
    try:
        record = model.model_validate(item)
    except ValidationError as err:
        for error in err.errors(include_url=False):
            loc = ("records", index, *error["loc"])
            where = ".".join(str(p) for p in error["loc"]) or "record"
            got = "" if error["type"] == "missing" else f" (got {_short(error.get('input'))})"
            report.add(shown, doc.line_of(loc), f"{kind} {where}: {error['msg']}{got}")
        return None
    return ParsedRecord(kind=kind, path=shown, line=line, record=record)


def _check_location(kind: str, rec: ParsedRecord, path: Path, shown: str, report: Report) -> None:
    record = rec.record
    if kind == "score":
        expected = record.model
    elif kind == "reference":
        expected_parts = expected_location(kind, record)
        got = (path.parent.parent.name, path.parent.name, path.name)
        if got != expected_parts:
            report.add(
                shown,
                rec.line,
                f"reference of {record.reference_model.name!r} for ruler {record.ruler!r} must live in "
                f"{'/'.join(expected_parts)}, got {'/'.join(got)}",
                kind="path",
            )
        return
    else:
        expected = record.id
    if path.stem != expected:
        field = "model" if kind == "score" else "id"
        report.add(
            shown,
            rec.line,
            f"{kind} with {field} {expected!r} must live in {KIND_FOLDERS[kind]}/{expected}.yaml, "
            f"got {path.name}",
            kind="path",
        )


def _type(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__


def _short(value: Any) -> str:
    text = value.isoformat() if isinstance(value, dt.date) else repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
