"""Write a :class:`~densing_fit.pipeline.FitResult` as the files of docs/dev/fit-outputs.md.

Same result, same bytes: rows sorted, floats as ``%.6g`` in CSV and rounded to 10 significant
digits in JSON, ``json.dumps(..., indent=2, sort_keys=True)``, no timestamps. Every file is written
to a temporary name and renamed, so a reader never sees half a file. NaN and infinity never reach a
file: CSV cells are left empty and JSON gets ``null``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from densing_data.atomic import write_text_atomically
from densing_fit.pipeline import FitResult

FIXED_COLUMNS = [
    "model",
    "name",
    "family",
    "organization",
    "kind",
    "hf_repo",
    "release_date",
    "params_total",
    "params_active",
    "params",
    "effective_params",
    "effective_params_low",
    "effective_params_high",
    "density",
    "density_low",
    "density_high",
    "n_benchmarks",
    "flags",
    "frontier",
    "in_trend",
]
"""densities.csv columns before the per-benchmark ones."""
BENCHMARK_SUFFIXES = ("score", "score_id", "effective_params", "flag")


def write_outputs(result: FitResult, out_dir: Path | str) -> list[Path]:
    """Write densities.csv, trend.json, ruler.json, rulers.json, sensitivity.csv and compression.csv."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    columns = FIXED_COLUMNS + [
        f"{bench}_{suffix}" for bench in result.ruler["benchmarks"] for suffix in BENCHMARK_SUFFIXES
    ]
    files = {
        "densities.csv": csv_text(result.densities.sort_values("model", kind="mergesort"), columns),
        "trend.json": json_text(result.trend),
        "ruler.json": json_text(result.ruler),
        "rulers.json": json_text(result.rulers),
        "sensitivity.csv": csv_text(result.sensitivity, list(result.sensitivity.columns)),
        "compression.csv": csv_text(
            result.compression.sort_values("model", kind="mergesort")
            if not result.compression.empty
            else result.compression,
            list(result.compression.columns),
        ),
    }
    written = []
    for name, text in files.items():
        path = out / name
        write_text_atomically(path, text)
        written.append(path)
    return written


def format_cell(value: Any) -> str:
    """One CSV cell: empty for missing/NaN, ``true``/``false``, integers as such, floats ``%.6g``."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return "" if not math.isfinite(value) else "%.6g" % value  # noqa: UP031
    if isinstance(value, (dt.date, pd.Timestamp)):
        return value.isoformat()[:10]
    return str(value)


def csv_text(frame: pd.DataFrame, columns: list[str]) -> str:
    """``frame[columns]`` as CSV text with :func:`format_cell` and ``\\n`` line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in frame.reindex(columns=columns).itertuples(index=False):
        writer.writerow([format_cell(v) for v in row])
    return buffer.getvalue()


def clean_json(value: Any) -> Any:
    """``value`` with numpy scalars made plain, floats rounded to 10 significant digits, NaN/inf -> None."""
    if isinstance(value, dict):
        return {str(k): clean_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [clean_json(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float("%.10g" % value) if math.isfinite(value) else None  # noqa: UP031
    if value is None or value is pd.NA:
        return None
    if isinstance(value, (dt.date, pd.Timestamp)):
        return value.isoformat()[:10]
    return value


def json_text(value: Any) -> str:
    """Deterministic JSON text (sorted keys, indent 2, trailing newline); refuses NaN."""
    return json.dumps(clean_json(value), indent=2, sort_keys=True, allow_nan=False, ensure_ascii=False) + "\n"
