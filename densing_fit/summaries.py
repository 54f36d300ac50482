"""Summaries across rulers and models: the sensitivity table (every ruler × benchmark set, each read
with its track's scores) and the compression table (a derived model against its parent)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from densing_data.loader import Dataset
from densing_fit.average import average_densities, average_ruler
from densing_fit.density import aggregate_all, default_min_benchmarks, read_scores
from densing_fit.effective import ABOVE, BELOW
from densing_fit.errors import FitError
from densing_fit.options import FitOptions
from densing_fit.rulers import FittedRuler, benchmark_defaults
from densing_fit.track_select import select_track_scores
from densing_fit.tracks import Track
from densing_fit.trend_summary import fit_trend

SENSITIVITY_COLUMNS = [
    "ruler",
    "benchmark_set",
    "doubling_days",
    "ci_low",
    "ci_high",
    "n_models",
    "n_frontier",
    "r2",
    "note",
]


def sensitivity_table(
    ds: Dataset, rulers: Mapping[str, FittedRuler], tracks: Mapping[str, Track], opts: FitOptions
) -> pd.DataFrame:
    """Doubling time and interval for each ruler × benchmark set (each benchmark alone, then the
    track's set, then the paper's average reading); ``tracks``: ruler id -> the track reading it."""
    rows = []
    base = ds.models[ds.models["kind"] == "base"].sort_values("id", kind="mergesort")
    ids = base["id"].astype(str).tolist()
    dates = dict(zip(ids, pd.to_datetime(base["release_date"]).dt.date, strict=True))
    sizes = dict(zip(ids, base["params_total"].astype(float), strict=True))
    standard = {b: d["setting"].cot for b, d in benchmark_defaults(ds).items()}
    for ruler_id in sorted(rulers):
        ruler, track = rulers[ruler_id], tracks[ruler_id]
        settings = {b: ruler.settings[b] for b in ruler.benchmarks}
        chosen, _ = select_track_scores(ds.scores, track, settings, opts.include_mismatched, standard)
        per_bench = read_scores(chosen, ruler)
        full = track.benchmark_set(ruler.benchmarks)
        sets = [(b, (b,), 1) for b in ruler.benchmarks]
        minimum = opts.min_benchmarks or track.min_benchmarks or default_min_benchmarks(full)
        sets.append(("all", full, minimum))
        for label, bench_set, minimum in sets:
            if len(bench_set) == 1 and bench_set[0] in ruler.errors:
                rows.append(_row(ruler_id, label, None, "ruler not fitted: " + ruler.errors[bench_set[0]]))
                continue
            aggregates = aggregate_all(per_bench, ids, bench_set, minimum)
            frame = pd.DataFrame(
                [
                    {"model": m, "release_date": dates[m], "density": a.effective_params / sizes[m]}
                    for m, a in aggregates.items()
                    if a.effective_params is not None and not {BELOW, ABOVE} & set(a.flags)
                ],
                columns=["model", "release_date", "density"],
            )
            summary, _ = fit_trend(frame, opts)
            rows.append(_row(ruler_id, label, summary, summary["error"] or ""))
        rows.append(_average_row(ds, ruler, per_bench, full, sizes, dates, opts))
    return pd.DataFrame(rows, columns=SENSITIVITY_COLUMNS)


def _average_row(
    ds: Dataset,
    ruler: FittedRuler,
    per_bench: pd.DataFrame,
    bench_set: Sequence[str],
    sizes: dict[str, float],
    dates: dict[str, Any],
    opts: FitOptions,
) -> dict[str, Any]:
    """The ``average`` row: the paper's reading of N̂ off the mean score over the set."""
    failed = [b for b in bench_set if b in ruler.errors]
    if failed:
        return _row(ruler.ruler_id, "average", None, f"ruler not fitted on {', '.join(failed)}")
    try:
        estimator = average_ruler(ds, ruler, bench_set, opts.d0_tokens)
    except FitError as err:
        return _row(ruler.ruler_id, "average", None, f"average ruler not fitted: {err}")
    densities = average_densities(per_bench, estimator, bench_set, sizes)
    frame = pd.DataFrame(
        [{"model": m, "release_date": dates[m], "density": d} for m, d in sorted(densities.items())],
        columns=["model", "release_date", "density"],
    )
    summary, _ = fit_trend(frame, opts)
    return _row(ruler.ruler_id, "average", summary, summary["error"] or "")


def _row(ruler_id: str, label: str, summary: dict[str, Any] | None, note: str) -> dict[str, Any]:
    summary = summary or {}
    ci = summary.get("doubling_days_ci") or [None, None]
    return {
        "ruler": ruler_id,
        "benchmark_set": label,
        "doubling_days": summary.get("doubling_days"),
        "ci_low": ci[0],
        "ci_high": ci[1],
        "n_models": summary.get("n_models", 0),
        "n_frontier": summary.get("n_frontier", 0),
        "r2": summary.get("r2"),
        "note": note,
    }


COMPRESSION_COLUMNS = [
    "model",
    "name",
    "parent",
    "parent_name",
    "method",
    "params",
    "parent_params",
    "density",
    "parent_density",
    "density_ratio",
]


def compression_table(densities: pd.DataFrame) -> pd.DataFrame:
    """One row per model with ``derived_from``: its density against its parent's."""
    by_id = densities.set_index("model")
    rows = []
    for row in densities[densities["derived_from"].notna()].itertuples(index=False):
        parent = by_id.loc[row.derived_from] if row.derived_from in by_id.index else None
        parent_density = np.nan if parent is None else float(parent["density"])
        rows.append(
            {
                "model": row.model,
                "name": row.name,
                "parent": row.derived_from,
                "parent_name": None if parent is None else parent["name"],
                "method": row.derived_method,
                "params": row.params,
                "parent_params": np.nan if parent is None else float(parent["params"]),
                "density": row.density,
                "parent_density": parent_density,
                "density_ratio": row.density / parent_density if parent_density > 0 else np.nan,
            }
        )
    return pd.DataFrame(rows, columns=COMPRESSION_COLUMNS)
