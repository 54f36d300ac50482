"""Read the fitter's per-capability outputs (capabilities.json, capabilities.csv) for the "What
densifies?" page; both are optional (a fit made with ``--no-capabilities``, or an older fitter, has
none, and the page says so).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from densing_site.errors import SiteError
from densing_site.inputs.output_files import read_csv_table, read_json_object

READING_COLUMNS = (
    "track",
    "group",
    "model",
    "name",
    "kind",
    "release_date",
    "params",
    "density",
    "density_low",
    "density_high",
    "flags",
    "bound",
    "in_trend",
    "frontier",
)
"""The capabilities.csv columns the page reads."""
DOCUMENT_KEYS = ("data_version", "confidence", "groups", "tracks", "knowledge_vs_ikp", "contamination")


class CapabilityOutputError(SiteError):
    """capabilities.json or capabilities.csv does not follow the contract."""


@dataclass(frozen=True)
class Capabilities:
    """The per-capability fits as the site reads them."""

    document: dict[str, Any]
    """capabilities.json."""
    readings: pd.DataFrame = field(default_factory=pd.DataFrame)
    """capabilities.csv (``in_trend`` and ``frontier`` as bool; ``bound`` and ``flags`` as text)."""


def read_capabilities(fit_dir: Path) -> Capabilities | None:
    """capabilities.json and capabilities.csv of ``fit_dir``, or None when the fitter wrote none."""
    path = Path(fit_dir) / "capabilities.json"
    if not path.is_file():
        return None
    document = read_json_object(path, DOCUMENT_KEYS, CapabilityOutputError)
    return Capabilities(document=document, readings=_read_readings(Path(fit_dir) / "capabilities.csv"))


def _read_readings(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise CapabilityOutputError(f"{path}: missing; capabilities.json is written with it")
    text_columns = ("track", "group", "model", "name", "kind", "release_date", "flags", "bound")
    frame = read_csv_table(path, READING_COLUMNS, CapabilityOutputError, lambda c: c in text_columns)
    for column in ("in_trend", "frontier"):
        values = frame[column].astype(str).str.lower()
        if not values.isin(["true", "false"]).all():
            raise CapabilityOutputError(f"{path}: column {column}: expected true or false")
        frame[column] = values == "true"
    frame["bound"] = frame["bound"].fillna("")
    frame["flags"] = frame["flags"].fillna("")
    return frame
