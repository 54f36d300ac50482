"""Summaries built on the densities table: trend.json, the sensitivity table, the compression table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from densing_fit.average import average_densities, average_ruler
from densing_fit.density import aggregate_all, default_benchmark_set, default_min_benchmarks, per_benchmark
from densing_fit.effective import BELOW
from densing_fit.errors import FitError
from densing_fit.trend import DAYS_PER_MONTH, DensingTrend

if TYPE_CHECKING:
    from densing_data.loader import Dataset
    from densing_fit.pipeline import FitOptions
    from densing_fit.rulers import FittedRuler

LINE_POINTS = 40
"""Dates at which trend.json samples the fitted line and its band."""


def fit_trend(frame: pd.DataFrame, opts: FitOptions) -> tuple[dict[str, Any], DensingTrend | None]:
    """Fit the trend on ``frame`` (columns model, release_date, density); a dict with an ``error``
    key and null numbers when the fit is impossible."""
    estimator = DensingTrend(n_resamples=opts.n_resamples, confidence=opts.confidence, random_state=opts.seed)
    try:
        estimator.fit(frame["release_date"].to_numpy(), frame["density"].to_numpy(dtype=float))
    except FitError as err:
        empty = dict.fromkeys(("slope_per_day", "intercept", "t0", "doubling_days", "doubling_months", "r2"))
        empty |= {
            "doubling_days_ci": [None, None],
            "doubling_months_ci": [None, None],
            "n_models": len(frame),
            "n_frontier": 0,
            "frontier": [],
            "error": str(err),
        }
        return empty, None
    low, high = estimator.doubling_days_ci_
    summary = {
        "slope_per_day": estimator.slope_per_day_,
        "intercept": estimator.intercept_,
        "slope_per_day_ci": list(estimator.slope_ci_),
        "t0": estimator.t0_.isoformat(),
        "doubling_days": estimator.doubling_days_,
        "doubling_days_ci": [low, high],
        "doubling_months": estimator.doubling_months_,
        "doubling_months_ci": [None if v is None else v / DAYS_PER_MONTH for v in (low, high)],
        "r2": estimator.r2_,
        "n_models": estimator.n_models_,
        "n_frontier": estimator.n_frontier_,
        "frontier": sorted(frame["model"].to_numpy()[estimator.frontier_mask_].tolist()),
        "error": None,
    }
    return summary, estimator


def trend_document(
    densities: pd.DataFrame, opts: FitOptions, ruler_id: str, data_version: str, bench_set: Sequence[str]
) -> tuple[dict[str, Any], list[str]]:
    """The trend.json object and the ids of the frontier models."""
    in_trend = densities[densities["in_trend"]].sort_values(["release_date", "model"], kind="mergesort")
    summary, estimator = fit_trend(in_trend, opts)
    cut = pd.Timestamp(opts.cut_date).date()
    before = in_trend[in_trend["release_date"] < cut]
    after = in_trend[in_trend["release_date"] >= cut]
    document = {
        "ruler": ruler_id,
        "data_version": data_version,
        "benchmarks": list(bench_set),
        **summary,
        "bootstrap": {
            "n_resamples": opts.n_resamples,
            "seed": opts.seed,
            "confidence": opts.confidence,
            "method": "expanded percentile, models resampled and frontier refound",
            "percentiles": None if estimator is None else list(estimator.interval_percentiles_),
            "n_failed": None if estimator is None else estimator.n_bootstrap_failed_,
        },
        "cut": {"date": cut.isoformat(), "before": _side(before, opts), "after": _side(after, opts)},
        "line": [] if estimator is None else _line(estimator, in_trend),
        "options": {
            "include_mismatched": opts.include_mismatched,
            "strict_protocol": opts.strict_protocol,
            "d0_tokens": opts.d0_tokens,
            "min_benchmarks": opts.min_benchmarks,
        },
    }
    return document, list(summary["frontier"])


def _side(frame: pd.DataFrame, opts: FitOptions) -> dict[str, Any] | None:
    if frame.empty:
        return None
    return fit_trend(frame, opts)[0]


def _line(estimator: DensingTrend, frame: pd.DataFrame) -> list[dict[str, Any]]:
    last = float(estimator.days_since_t0(frame["release_date"].to_numpy()).max())
    days = np.unique(np.round(np.linspace(0.0, last, LINE_POINTS)))
    dates = pd.Timestamp(estimator.t0_) + pd.to_timedelta(days, unit="D")
    fitted = estimator.predict(dates)
    low, high = estimator.band(dates)
    return [
        {"date": d.date().isoformat(), "density": float(f), "low": float(lo), "high": float(hi)}
        for d, f, lo, hi in zip(dates, fitted, low, high, strict=True)
    ]


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
    ds: Dataset, rulers: Mapping[str, FittedRuler], opts: FitOptions, min_benchmarks: int
) -> pd.DataFrame:
    """Doubling time and interval for each ruler × benchmark set (each benchmark alone, then all)."""
    rows = []
    base = ds.models[ds.models["kind"] == "base"].sort_values("id", kind="mergesort")
    ids = base["id"].astype(str).tolist()
    dates = dict(zip(ids, pd.to_datetime(base["release_date"]).dt.date, strict=True))
    sizes = dict(zip(ids, base["params_total"].astype(float), strict=True))
    for ruler_id in sorted(rulers):
        ruler = rulers[ruler_id]
        per_bench = per_benchmark(ds.scores, ruler, opts.include_mismatched, opts.strict_protocol)
        full = default_benchmark_set(ruler)
        sets = [(b, (b,), 1) for b in ruler.benchmarks]
        sets.append(("all", full, opts.min_benchmarks or default_min_benchmarks(full)))
        for label, bench_set, minimum in sets:
            if len(bench_set) == 1 and bench_set[0] in ruler.errors:
                rows.append(_row(ruler_id, label, None, "ruler not fitted: " + ruler.errors[bench_set[0]]))
                continue
            aggregates = aggregate_all(per_bench, ids, bench_set, minimum)
            frame = pd.DataFrame(
                [
                    {"model": m, "release_date": dates[m], "density": a.effective_params / sizes[m]}
                    for m, a in aggregates.items()
                    if a.effective_params is not None and BELOW not in a.flags
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
