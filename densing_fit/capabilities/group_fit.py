"""The densing law of one capability group on one track: the frontier fit and the all-model fit with
their 90% intervals, the fit at equal size, the number of models and the period, or why there are too
few readings to fit.

The fits are the track's own (:func:`densing_fit.trend.summary.fit_trend`, the same seeded bootstrap
and expanded-percentile interval; :func:`densing_fit.trend.size_adjusted.fit_size_adjusted`); a group is
fitted only with at least :data:`MIN_MODELS` readings in its trend, and its frontier fit only with at
least :data:`MIN_FRONTIER` frontier points. Below that the group is reported "too few", with counts.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from densing_fit.capabilities.readings import GroupReadings
from densing_fit.options import FitOptions
from densing_fit.trend.law import DensingTrend, frontier_mask, release_days
from densing_fit.trend.size_adjusted import fit_size_adjusted
from densing_fit.trend.summary import fit_trend

MIN_MODELS = 8
"""Fewest readings in a group's trend for any fit of it."""
MIN_FRONTIER = 3
"""Fewest frontier points for a group's frontier fit (two points make a line, not a trend)."""
LINE_POINTS = 40
"""Dates at which a group's frontier line and band are sampled."""
FIT_KEYS = (
    "slope_per_day",
    "slope_per_day_ci",
    "intercept",
    "t0",
    "doubling_days",
    "doubling_days_ci",
    "doubling_months",
    "doubling_months_ci",
    "r2",
    "n_models",
    "n_frontier",
    "first_release",
    "error",
)
"""The keys of a group's ``frontier`` and ``all_models`` fits (as in trend.json)."""


def _not_fitted(reason: str, n_models: int, n_frontier: int) -> dict[str, Any]:
    out: dict[str, Any] = dict.fromkeys(FIT_KEYS)
    for key in ("slope_per_day_ci", "doubling_days_ci", "doubling_months_ci"):
        out[key] = [None, None]
    return out | {"n_models": n_models, "n_frontier": n_frontier, "fitted": False, "reason": reason}


def too_few_reason(n_models: int, n_frontier: int, frontier: bool) -> str | None:
    """Why a group with ``n_models`` readings in its trend and ``n_frontier`` frontier points is not
    fitted (``frontier``: for the frontier fit), or None when it is."""
    if n_models < MIN_MODELS:
        return f"too few: {n_models} models in the trend, at least {MIN_MODELS} needed"
    if frontier and n_frontier < MIN_FRONTIER:
        return (
            f"too few: {n_frontier} frontier points among {n_models} models, at least {MIN_FRONTIER} needed"
        )
    return None


def _frontier_count(frame: pd.DataFrame) -> int:
    if frame.empty:
        return 0
    days = release_days(frame["release_date"].to_numpy())[0]
    return int(frontier_mask(days, frame["density"].to_numpy(dtype=float)).sum())


def fit_group(readings: GroupReadings, opts: FitOptions) -> tuple[dict[str, Any], list[str]]:
    """The group's entry in capabilities.json and the ids of its frontier models."""
    group = readings.group
    entry: dict[str, Any] = {
        "id": group.id,
        "label": group.label,
        "benchmarks": list(readings.benchmarks),
        "left_out": [{"benchmark": b, "why": why} for b, why in readings.left_out],
        "min_benchmarks": readings.min_benchmarks,
    }
    frame = readings.in_trend
    n_models, n_frontier = len(frame), _frontier_count(frame)
    table = readings.table
    entry |= {
        "n_readings": len(table),
        "n_models": n_models,
        "n_bounds": int(table["bound"].isin(["at_least", "at_most"]).sum()),
        "period": _period(frame),
    }
    if not readings.benchmarks:
        why = "the track's ruler reads none of the group's benchmarks"
        return entry | _empty("not_read", why, n_models, n_frontier), []
    reason = too_few_reason(n_models, n_frontier, frontier=False)
    if reason is not None:
        return entry | _empty("too_few", reason, n_models, n_frontier), []
    every = fit_trend(frame, opts, frontier_only=False)[0]
    every.pop("frontier", None)
    adjusted = fit_size_adjusted(
        frame, n_resamples=opts.n_resamples, confidence=opts.confidence, random_state=opts.seed
    )
    entry |= {"all_models": _fit(every), "size_adjusted": adjusted}
    reason = too_few_reason(n_models, n_frontier, frontier=True)
    if reason is not None:
        return entry | {
            "status": "too_few",
            "reason": reason,
            "frontier": _not_fitted(reason, n_models, n_frontier),
            "line": [],
        }, []
    summary, estimator = fit_trend(frame, opts)
    frontier = list(summary.pop("frontier"))
    if estimator is None:  # e.g. the frontier's points share one date
        failed = {"status": "no_fit", "reason": summary["error"], "frontier": _fit(summary), "line": []}
        return entry | failed, []
    line = sampled_line(estimator, frame)
    fitted = _fit(summary) | {"models": frontier}
    return entry | {"status": "fitted", "reason": None, "frontier": fitted, "line": line}, frontier


def _period(frame: pd.DataFrame) -> dict[str, str] | None:
    if frame.empty:
        return None
    dates = frame["release_date"]
    return {"first": min(dates).isoformat(), "last": max(dates).isoformat()}


def _empty(status: str, reason: str, n_models: int, n_frontier: int) -> dict[str, Any]:
    return {
        "status": status,
        "reason": reason,
        "frontier": _not_fitted(reason, n_models, n_frontier),
        "all_models": _not_fitted(reason, n_models, n_frontier),
        "size_adjusted": None,
        "line": [],
    }


def _fit(summary: dict[str, Any]) -> dict[str, Any]:
    fitted = summary.get("error") is None
    return {k: summary.get(k) for k in FIT_KEYS} | {"fitted": fitted, "reason": summary.get("error")}


def sampled_line(estimator: DensingTrend, frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The fitted frontier line and its band (90%, the trend's), from the group's first model to its
    last frontier point (a line is not drawn past the data that set it)."""
    days = estimator.days_since_t0(frame["release_date"].to_numpy())
    last = float(days[estimator.frontier_mask_].max())
    grid = np.unique(np.round(np.linspace(0.0, last, LINE_POINTS)))
    dates = pd.Timestamp(estimator.t0_) + pd.to_timedelta(grid, unit="D")
    fitted = estimator.predict(dates)
    low, high = estimator.band(dates)
    return [
        {"date": d.date().isoformat(), "density": float(f), "low": float(lo), "high": float(hi)}
        for d, f, lo, hi in zip(dates, fitted, low, high, strict=True)
    ]


def overlaps(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """For each pair of groups and each fit (``frontier``, ``all_models``) fitted for both, whether the
    two slopes' 90% intervals overlap (``overlap``), with both intervals."""
    out = []
    for fit in ("frontier", "all_models"):
        fitted = [g for g in groups if (g.get(fit) or {}).get("fitted")]
        for a, b in combinations(fitted, 2):
            lo_a, hi_a = a[fit]["slope_per_day_ci"]
            lo_b, hi_b = b[fit]["slope_per_day_ci"]
            out.append(
                {
                    "fit": fit,
                    "a": a["id"],
                    "b": b["id"],
                    "a_slope_per_day_ci": [lo_a, hi_a],
                    "b_slope_per_day_ci": [lo_b, hi_b],
                    "overlap": bool(max(lo_a, lo_b) <= min(hi_a, hi_b)),
                }
            )
    return out
