"""Export the tables as CSV, JSON or Parquet with a Frictionless Data Package (v2) descriptor."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import pandas as pd

from densing_data.loader import TABLE_NAMES, Dataset, flat_columns
from densing_data.schema.records import RECORD_MODELS

Format = Literal["csv", "json", "parquet"]

_FIELD_TYPES = {
    "int64": "integer",
    "Int64": "integer",
    "float64": "number",
    "boolean": "boolean",
    "datetime64[ns]": "date",
    "string": "string",
    "object": "array",
}

FOREIGN_KEYS: dict[str, list[tuple[str, str]]] = {
    "scores": [("model", "models"), ("benchmark", "benchmarks")],
    "references": [("ruler", "rulers"), ("benchmark", "benchmarks")],
    "models": [("derived_from_model", "models")],
}
"""Table -> (column, referenced table): the references every record must keep."""

LATER_COLUMNS: dict[str, frozenset[str]] = {"rulers": frozenset({"chain"})}
"""Columns a later schema added as optional: written only when some record fills them, so the exports
of a data version released before them rebuild to the same bytes."""

LICENSES = [
    {
        "name": "CC-BY-4.0",
        "path": "https://creativecommons.org/licenses/by/4.0/",
        "title": "Creative Commons Attribution 4.0 (records); seed tables keep their sources' licenses",
    },
]


def export_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A table as written out: dates as ISO strings, list cells as JSON, bookkeeping columns dropped."""
    out = frame.drop(columns=["path", "line"], errors="ignore").copy()
    for column in out.columns:
        if str(out[column].dtype).startswith("datetime64"):
            out[column] = out[column].dt.strftime("%Y-%m-%d").astype("string")
        elif out[column].dtype == object:
            out[column] = out[column].map(lambda v: None if v is None else json.dumps(v, sort_keys=True))
    return out


def _unused_later_columns(ds: Dataset, name: str) -> set[str]:
    """The :data:`LATER_COLUMNS` of table ``name`` that no record of ``ds`` fills."""
    frame = getattr(ds, name)
    return {c for c in LATER_COLUMNS.get(name, ()) if c not in frame or frame[c].isna().all()}


def datapackage(ds: Dataset, fmt: Format) -> dict:
    """The Frictionless Data Package (v2) descriptor for an export in ``fmt``."""
    resources = []
    for kind, name in TABLE_NAMES.items():
        unused = _unused_later_columns(ds, name)
        columns = {c: t for c, t in flat_columns(RECORD_MODELS[kind]).items() if c not in unused}
        fields = [
            {"name": column, "type": "string" if dtype == "object" else _FIELD_TYPES[dtype]}
            | ({"format": "json"} if dtype == "object" else {})
            for column, dtype in columns.items()
        ]
        schema: dict = {"fields": fields, "primaryKey": ["id"]}
        keys = [
            {
                "fields": [column],
                "reference": {"resource": "" if target == name else target, "fields": ["id"]},
            }
            for column, target in FOREIGN_KEYS.get(name, [])
        ]
        if keys:
            schema["foreignKeys"] = keys
        resources.append(
            {
                "name": name,
                "path": f"{name}.{fmt}",
                "type": "table",
                "format": fmt,
                "mediatype": {
                    "csv": "text/csv",
                    "json": "application/json",
                    "parquet": "application/vnd.apache.parquet",
                }[fmt],
                "schema": schema,
            }
        )
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "densing-law-leaderboard",
        "title": "Densing Law leaderboard data",
        "version": ds.version,
        "description": "Models, benchmark scores and reference measurements for measuring the capacity "
        "density of large language models (Xiao et al., Densing Law of LLMs, arXiv 2412.04315).",
        "licenses": LICENSES,
        "resources": resources,
    }


def export_tables(ds: Dataset, out: Path, fmt: Format) -> list[Path]:
    """Write each table and ``datapackage.json`` to ``out``; return the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in TABLE_NAMES.values():
        frame = export_frame(getattr(ds, name).drop(columns=sorted(_unused_later_columns(ds, name))))
        path = out / f"{name}.{fmt}"
        if fmt == "csv":
            frame.to_csv(path, index=False, lineterminator="\n")
        elif fmt == "json":
            path.write_text(
                frame.to_json(orient="records", indent=1, force_ascii=False) + "\n", encoding="utf-8"
            )
        else:
            frame.to_parquet(path, index=False)
        written.append(path)
    descriptor = out / "datapackage.json"
    descriptor.write_text(json.dumps(datapackage(ds, fmt), indent=2) + "\n", encoding="utf-8")
    written.append(descriptor)
    return written
