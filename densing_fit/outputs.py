"""Write a :class:`~densing_fit.pipeline.FitResult` as the files of docs/dev/fit-outputs.md.

Same result, same bytes: rows sorted, floats as ``%.6g`` in CSV and rounded to 10 significant
digits in JSON, ``json.dumps(..., indent=2, sort_keys=True)``, no timestamps. Every file is written
to a temporary name and renamed, so a reader never sees half a file. NaN and infinity never reach a
file: CSV cells are left empty and JSON gets ``null``.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from densing_data.atomic import write_text_atomically
from densing_fit.calculator.export import calculator_document
from densing_fit.capabilities.readings import READING_COLUMNS
from densing_fit.capabilities.registry import GROUPS
from densing_fit.parallel import run_tasks
from densing_fit.pipeline import FitResult
from densing_fit.reading.flags import FLAG_EXPLANATIONS
from densing_fit.summaries.agreement import AGREEMENT_COLUMNS

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
    "citable",
    "rank",
    "rank_low",
    "rank_high",
    "track",
    "density_active",
    "density_active_low",
    "density_active_high",
    "rank_active",
    "frontier_active",
]
"""densities.csv columns before the per-benchmark ones."""
CALCULATOR_FILE = "calculator.json"
"""What the density calculator reads (:mod:`densing_fit.calculator.export`)."""
BENCHMARK_SUFFIXES = ("score", "score_id", "effective_params", "flag")
BY_TRACK_COLUMNS = [
    "model",
    "track",
    "density",
    "density_low",
    "density_high",
    "effective_params",
    "flags",
    "rank",
    "rank_low",
    "rank_high",
    "citable",
    "in_trend",
    "frontier",
    "density_active",
    "density_active_low",
    "density_active_high",
    "rank_active",
    "frontier_active",
]
"""densities_by_track.csv columns: one row per (model, track) with a density."""
LARGEST_FILES = frozenset({"rulers.json", "capabilities.json", "capabilities.csv", "densities.csv"})
"""Files that take longest to render: handed out first."""


def write_outputs(result: FitResult, out_dir: Path | str) -> list[Path]:
    """Write the main track's densities.csv, trend.json, ruler.json; rulers.json, sensitivity.csv,
    compression.csv; and per track tracks/<id>/{densities.csv,trend.json,ruler.json}, tracks.json,
    densities_by_track.csv, agreement.csv, agreement.json, flags.json, calculator.json; capabilities.json
    and capabilities.csv when the capabilities were fitted (docs/dev/fit-outputs.md)."""
    out = Path(out_dir)
    renderers: dict[str, Callable[[], str]] = {
        "densities.csv": lambda: densities_csv(result.densities, result.ruler),
        "trend.json": lambda: json_text(result.trend),
        "ruler.json": lambda: json_text(result.ruler),
        "rulers.json": lambda: json_text(result.rulers),
        "sensitivity.csv": lambda: csv_text(result.sensitivity, list(result.sensitivity.columns)),
        "compression.csv": lambda: csv_text(
            result.compression.sort_values("model", kind="mergesort")
            if not result.compression.empty
            else result.compression,
            list(result.compression.columns),
        ),
        "tracks.json": lambda: json_text(tracks_document(result)),
        "densities_by_track.csv": lambda: csv_text(densities_by_track(result), BY_TRACK_COLUMNS),
        "agreement.csv": lambda: csv_text(
            pd.DataFrame(result.agreement, columns=AGREEMENT_COLUMNS), AGREEMENT_COLUMNS
        ),
        "agreement.json": lambda: json_text(agreement_document(result)),
        "flags.json": lambda: json_text(FLAG_EXPLANATIONS),
        CALCULATOR_FILE: lambda: precise_json_text(calculator_document(result)),
    }
    if result.capabilities is not None:
        capabilities = result.capabilities
        renderers["capabilities.json"] = lambda: json_text(capabilities)
        renderers["capabilities.csv"] = lambda: capabilities_csv(result.capability_readings)
    for track in result.tracks:
        folder = f"tracks/{track.track.id}"
        renderers[f"{folder}/densities.csv"] = functools.partial(densities_csv, track.densities, track.ruler)
        renderers[f"{folder}/trend.json"] = functools.partial(json_text, track.trend)
        renderers[f"{folder}/ruler.json"] = functools.partial(json_text, track.ruler)
    # rendered side by side (as the fit's parts are), largest first; written here, in order
    names = sorted(renderers, key=lambda name: name not in LARGEST_FILES)
    texts = dict(zip(names, run_tasks([renderers[name] for name in names]), strict=True))
    written = []
    for name in renderers:
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomically(path, texts[name])
        written.append(path)
    return written


def densities_csv(densities: pd.DataFrame, ruler: dict[str, Any]) -> str:
    """densities.csv text of one track: fixed columns, then four per benchmark of its ruler."""
    columns = FIXED_COLUMNS + [f"{b}_{suffix}" for b in ruler["benchmarks"] for suffix in BENCHMARK_SUFFIXES]
    return csv_text(densities.sort_values("model", kind="mergesort"), columns)


def capabilities_csv(readings: pd.DataFrame) -> str:
    """capabilities.csv text: one row per (track, group, model) group reading, sorted by track (in
    capabilities.json's order), group (registry order) and model."""
    if readings.empty:
        return csv_text(readings, READING_COLUMNS)
    order = {t: i for i, t in enumerate(dict.fromkeys(readings["track"]))}
    groups = {g.id: i for i, g in enumerate(GROUPS)}
    ranked = readings.assign(
        _t=readings["track"].map(order), _g=readings["group"].map(groups).fillna(len(groups))
    )
    return csv_text(ranked.sort_values(["_t", "_g", "model"], kind="mergesort"), READING_COLUMNS)


def tracks_document(result: FitResult) -> dict[str, Any]:
    """The tracks.json object: the default track, why, and every track's summary in display order."""
    return {
        "default": result.default_track,
        "default_reason": result.default_reason,
        "main": result.track_id,
        "tracks": [t.summary() for t in result.tracks],
    }


def densities_by_track(result: FitResult) -> pd.DataFrame:
    """Long form: one row per (model, track) with a density, models sorted, tracks in display order."""
    frames = [
        t.densities.loc[t.densities["effective_params"].notna()].assign(_order=i)
        for i, t in enumerate(result.tracks)
    ]
    if not frames:
        return pd.DataFrame(columns=BY_TRACK_COLUMNS)
    frame = pd.concat(frames, ignore_index=True)
    return frame.sort_values(["model", "_order"], kind="mergesort")[BY_TRACK_COLUMNS]


def agreement_document(result: FitResult) -> dict[str, Any]:
    """The agreement.json object: each track's doubling time with its interval, then every pair."""
    return {
        "confidence": result.options.confidence,
        "tracks": [
            {
                "id": t.track.id,
                "n_trend": int(t.densities["in_trend"].sum()),
                "n_citable": int(t.densities["citable"].sum()),
                "doubling_days": t.trend.get("doubling_days"),
                "doubling_days_ci": t.trend.get("doubling_days_ci"),
                "error": t.trend.get("error"),
            }
            for t in result.tracks
        ],
        "pairs": result.agreement,
    }


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


def clean_json(value: Any, rounded: bool = True) -> Any:
    """``value`` with numpy scalars made plain, floats rounded to 10 significant digits (kept whole
    when not ``rounded``), NaN/inf -> None."""
    if isinstance(value, dict):
        return {str(k): clean_json(v, rounded) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [clean_json(v, rounded) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(value):
            return None
        return float("%.10g" % value) if rounded else float(value)  # noqa: UP031
    if value is None or value is pd.NA:
        return None
    if isinstance(value, (dt.date, pd.Timestamp)):
        return value.isoformat()[:10]
    return value


def json_text(value: Any) -> str:
    """Deterministic JSON text (sorted keys, indent 2, trailing newline); refuses NaN."""
    return json.dumps(clean_json(value), indent=2, sort_keys=True, allow_nan=False, ensure_ascii=False) + "\n"


def precise_json_text(value: Any) -> str:
    """Compact JSON with every float whole (its shortest round-trip form), sorted keys, a trailing
    newline: calculator.json, whose reader re-does the fit's finite differences (ten digits of a
    two-step ruler's covariance move an interval by 1e-7)."""
    text = json.dumps(
        clean_json(value, rounded=False),
        sort_keys=True,
        allow_nan=False,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return text + "\n"
