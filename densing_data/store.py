"""The one way records are written: validated, appended, atomic, safe across processes.

:func:`append_records` validates the new records against the schema and against everything already in
the records directory, then, under an exclusive file lock, adds their YAML text at the end of the
right file (the bytes already there are never changed), checks that the result reads back as the old
records followed by the new ones, and replaces the file atomically (temporary file, fsync, rename).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import Enum
from pathlib import Path
from typing import Any

from filelock import FileLock
from pydantic import BaseModel, ValidationError

from densing_data.atomic import write_text_atomically
from densing_data.paths import RECORDS_DIR
from densing_data.record_files import ParsedRecord, expected_location
from densing_data.report import Report
from densing_data.schema.records import RECORD_MODELS, SCHEMA_VERSION
from densing_data.strict_yaml import YamlProblem, dump_records_yaml, parse_yaml
from densing_data.validate import check_across_files, read_records_dir, shown_path

LOCK_NAME = ".records.lock"


class StoreError(Exception):
    """Records that cannot be appended; ``report`` says why, file and line."""

    def __init__(self, report: Report) -> None:
        super().__init__("records not appended:\n" + report.render())
        self.report = report


def append_records(
    kind: str,
    records: Sequence[Mapping[str, Any] | BaseModel],
    *,
    records_dir: Path | None = None,
    lock_timeout: float = 120.0,
) -> list[Path]:
    """Validate ``records`` of ``kind`` and append them to their files; return the files written.

    Either every record is appended or none is (per file, each write is atomic; all records are
    validated before any file is touched). Raises :class:`StoreError` when a record is invalid or
    would break a rule across files (duplicate id, dangling reference, ...).
    """
    return append_record_groups({kind: records}, records_dir=records_dir, lock_timeout=lock_timeout)


def append_record_groups(
    groups: Mapping[str, Sequence[Mapping[str, Any] | BaseModel]],
    *,
    records_dir: Path | None = None,
    lock_timeout: float = 120.0,
) -> list[Path]:
    """Append records of several kinds (kind -> records) validated together, as :func:`append_records`.

    Needed when new records of different kinds only make sense together: a two-step ruler needs its
    reference records and each reference record needs its ruler, so neither can be appended alone.
    """
    unknown = sorted(set(groups) - set(RECORD_MODELS))
    if unknown:
        raise ValueError(f"unknown record kind(s) {unknown}; expected some of {sorted(RECORD_MODELS)}")
    root = Path(records_dir) if records_dir is not None else RECORDS_DIR
    new = {
        kind: [_as_record(kind, item, i) for i, item in enumerate(items)] for kind, items in groups.items()
    }
    root.mkdir(parents=True, exist_ok=True)
    with FileLock(str(root / LOCK_NAME), timeout=lock_timeout):
        existing, report = read_records_dir(root, use_cache=True)
        if not report.ok:
            raise StoreError(report)
        by_file: dict[tuple[str, Path], list[BaseModel]] = {}
        for kind, records in new.items():
            for record in records:
                target = root.joinpath(*expected_location(kind, record))
                by_file.setdefault((kind, target), []).append(record)
                existing.by_kind[kind].append(
                    ParsedRecord(kind=kind, path=shown_path(target, root.parent), line=0, record=record)
                )
        check_across_files(existing, report)
        report.problems[:] = list(dict.fromkeys(report.problems))  # reading already checked once
        if not report.ok:
            raise StoreError(report)
        for (kind, target), items in by_file.items():
            _append_to_file(kind, target, items, root)
    return [target for _, target in by_file]


def _as_record(kind: str, item: Mapping[str, Any] | BaseModel, index: int) -> BaseModel:
    model = RECORD_MODELS[kind]
    if isinstance(item, model):
        return item
    data = item.model_dump() if isinstance(item, BaseModel) else dict(item)
    try:
        return model.model_validate(data)
    except ValidationError as err:
        report = Report()
        for error in err.errors(include_url=False):
            where = ".".join(str(p) for p in error["loc"]) or "record"
            report.add(f"<new {kind} record {index + 1}>", 0, f"{kind} {where}: {error['msg']}")
        raise StoreError(report) from None


def record_to_yaml_dict(record: BaseModel) -> dict[str, Any]:
    """A record as the plain mapping written to YAML: defaults and empty values left out."""
    data = _plain(record.model_dump(mode="python", exclude_defaults=True, exclude_none=True))
    return {key: data[key] for key in type(record).model_fields if key in data}


def _plain(value: Any) -> Any:
    """Enums become their values (dates stay dates, so YAML writes them unquoted)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    return value


def _append_to_file(kind: str, target: Path, records: list[BaseModel], root: Path) -> None:
    addition = dump_records_yaml([record_to_yaml_dict(r) for r in records])
    if target.exists():
        old = target.read_text(encoding="utf-8")
        if not old.endswith("\n"):
            old += "\n"
        old_count = len(parse_yaml(old.encode("utf-8")).data["records"])
        text = old + addition
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        old_count = 0
        text = f"schema_version: {SCHEMA_VERSION}\nrecords:\n" + addition
    _check_round_trip(kind, target, text, old_count, records)
    write_text_atomically(target, text)


def _check_round_trip(kind: str, target: Path, text: str, old_count: int, records: list[BaseModel]) -> None:
    """Refuse to write unless ``text`` reads back as the old records followed by ``records``."""
    report = Report()
    try:
        items = parse_yaml(text.encode("utf-8")).data["records"]
        back = [RECORD_MODELS[kind].model_validate(item) for item in items[old_count:]]
    except (YamlProblem, ValidationError) as err:
        report.add(str(target), 0, f"appended text does not read back: {err}", kind="yaml")
        raise StoreError(report) from None
    if len(items) != old_count + len(records) or back != records:
        report.add(str(target), 0, "appended text does not read back as the records given", kind="yaml")
        raise StoreError(report)
