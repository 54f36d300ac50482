"""Load the records as pandas DataFrames: ``densing_data.load()``.

Each kind becomes one DataFrame of its *current* records (highest revision, retracted ones dropped).
Nested fields are flattened with ``_`` (``source.url`` becomes ``source_url``, ``provenance.kind``
becomes ``provenance_kind``), so the columns follow the schema exactly. Dates are ``datetime64``,
integers ``Int64`` (nullable) or ``int64``, flags ``boolean``. Two extra columns, ``path`` and
``line``, say where each record was written. ``Dataset.history`` holds every revision.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel

from densing_data.paths import DATA_VERSION_FILE, RECORDS_DIR, data_version
from densing_data.record_files import ParsedRecord
from densing_data.report import Report
from densing_data.schema.records import RECORD_MODELS
from densing_data.validate import RecordSet, read_records_dir


class DataError(Exception):
    """The records are invalid; ``report`` lists every problem with file and line."""

    def __init__(self, report: Report) -> None:
        super().__init__("invalid records:\n" + report.render())
        self.report = report


@dataclass(frozen=True)
class Dataset:
    """The records of one data version as DataFrames."""

    models: pd.DataFrame
    """Current model records, one row per model id."""
    scores: pd.DataFrame
    """Current score records."""
    references: pd.DataFrame
    """Current reference measurements (ruler data)."""
    benchmarks: pd.DataFrame
    """Current benchmark records."""
    rulers: pd.DataFrame
    """Current ruler records."""
    version: str
    """Data version (CalVer) of these records."""
    history: dict[str, pd.DataFrame]
    """Every revision of every record by kind, with ``current`` and ``superseded_by`` columns."""

    def table(self, kind: str) -> pd.DataFrame:
        """The DataFrame of current records of ``kind`` (model, score, reference, benchmark, ruler)."""
        return getattr(self, TABLE_NAMES[kind])


TABLE_NAMES = {
    "model": "models",
    "score": "scores",
    "reference": "references",
    "benchmark": "benchmarks",
    "ruler": "rulers",
}


def load(records_dir: Path | str | None = None, *, version_file: Path | str | None = None) -> Dataset:
    """Read, validate and tabulate the records; raise :class:`DataError` when any is invalid."""
    root = Path(records_dir) if records_dir is not None else RECORDS_DIR
    records, report = read_records_dir(root, use_cache=True)
    if not report.ok:
        raise DataError(report)
    vfile = Path(version_file) if version_file is not None else _version_file_for(root)
    version = data_version(vfile) if vfile.exists() else "unversioned"
    return dataset_from_records(records, version)


def _version_file_for(root: Path) -> Path:
    beside = root.parent / DATA_VERSION_FILE.name
    return beside if beside.exists() else DATA_VERSION_FILE


def dataset_from_records(records: RecordSet, version: str) -> Dataset:
    """Tabulate an already validated :class:`RecordSet`."""
    tables = {}
    history = {}
    for kind, name in TABLE_NAMES.items():
        full = records_frame(RECORD_MODELS[kind], records.history(kind))
        heads = records.heads(kind)
        head_revision = pd.Series(
            [heads[i].record.revision for i in full["id"]], index=full.index, dtype="int64"
        )
        is_head = full["revision"] == head_revision
        full["current"] = is_head & ~full["retracted"].astype(bool)
        full["superseded_by"] = (full["revision"] + 1).where(~is_head).astype("Int64")
        history[kind] = full
        current = full[full["current"]].drop(columns=["current", "superseded_by"])
        tables[name] = current.sort_values("id", kind="stable").reset_index(drop=True)
    return Dataset(version=version, history=history, **tables)


def records_frame(model: type[BaseModel], parsed: list[ParsedRecord]) -> pd.DataFrame:
    """One row per record, columns flattened from ``model``'s fields, with schema dtypes."""
    columns = flat_columns(model)
    rows = []
    for item in parsed:
        row = _flatten(item.record.model_dump(mode="json"), "", {})
        row["path"] = item.path
        row["line"] = item.line
        rows.append(row)
    frame = pd.DataFrame(rows, columns=[*columns, "path", "line"])
    for column, dtype in columns.items():
        frame[column] = _convert(frame[column], dtype)
    frame["line"] = frame["line"].astype("int64")
    return frame.reset_index(drop=True)


def _flatten(data: dict[str, Any], prefix: str, out: dict[str, Any]) -> dict[str, Any]:
    """Nested mappings become ``parent_child`` keys (dates arrive as ISO strings, enums as values)."""
    for key, value in data.items():
        if type(value) is dict:
            _flatten(value, f"{prefix}{key}_", out)
        else:
            out[f"{prefix}{key}"] = value
    return out


def flat_columns(model: type[BaseModel], prefix: str = "") -> dict[str, str]:
    """Flattened column name -> pandas dtype for every field of ``model``."""
    columns: dict[str, str] = {}
    for name, info in model.model_fields.items():
        base, optional = _unwrap(info.annotation)
        column = f"{prefix}{name}"
        if isinstance(base, type) and issubclass(base, BaseModel):
            columns.update(flat_columns(base, f"{column}_"))
        else:
            columns[column] = _dtype(base, optional)
    return columns


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    optional = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            optional = optional or len(args) < len(typing.get_args(annotation))
            annotation = args[0]
        else:
            return annotation, optional


def _dtype(base: Any, optional: bool) -> str:
    if base is bool:
        return "boolean"
    if base is int:
        return "Int64" if optional else "int64"
    if base is float:
        return "float64"
    if base is dt.date:
        return "datetime64[ns]"
    if isinstance(base, type) and issubclass(base, (str, Enum)):
        return "string"
    return "object"


def _convert(series: pd.Series, dtype: str) -> pd.Series:
    if dtype == "datetime64[ns]":
        return pd.to_datetime(series).astype("datetime64[ns]")
    if dtype == "object":
        return series.astype("object")
    if dtype == "string":
        return series.astype("string")
    return series.astype(dtype)
