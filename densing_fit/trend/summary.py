"""Step 4 of a track's pass: the densing-law trend of its densities, as the trend.json object.

The trend is fitted on the models ``in_trend`` (base models with a density that is not a bound:
an ``above_ruler`` lower bound on the frontier would pin the line to a value the model exceeds),
with its bootstrap interval and frontier, and again on the models released before and from the cut
date (ChatGPT's release by default), each side with its own doubling time and interval.
Each side is also fitted on all its models, not only its frontier (``all_models``): before ChatGPT
the frontier may be a single early model, and the paper's before/after slopes regress all models.
``size_adjusted`` regresses them on release date and ln N together (:mod:`densing_fit.trend.size_adjusted`):
the change of density over time between models of equal size.
``citable_only`` is the same trend on the citable readings alone (it differs when protocol-flagged
scores were let in: ``--include-mismatched``, or a ruler's own track that accepts unstated shots).
``without_added`` is the trend without the models the current records add to the previous data
release (is the law still holding with the newest models?), when such a release exists; its
``added_bounds`` lists the added models read only as a bound (not in any trend), so they can be
placed against the line too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from densing_fit.errors import FitError
from densing_fit.forecast import forecast_backtest, forecast_document
from densing_fit.options import FitOptions
from densing_fit.trend.law import DAYS_PER_MONTH, DensingTrend
from densing_fit.trend.size_adjusted import fit_size_adjusted
from densing_fit.trend.verdict import judge

LINE_POINTS = 40
"""Dates at which trend.json samples the fitted line and its band."""


def fit_trend(
    frame: pd.DataFrame, opts: FitOptions, frontier_only: bool = True
) -> tuple[dict[str, Any], DensingTrend | None]:
    """Fit the trend on ``frame`` (columns model, release_date, density); a dict with an ``error``
    key and null numbers when the fit is impossible. ``frontier_only=False`` fits every model (the
    regression over all the models of a period, as the paper's before/after-ChatGPT comparison)."""
    estimator = DensingTrend(
        n_resamples=opts.n_resamples,
        confidence=opts.confidence,
        random_state=opts.seed,
        frontier_only=frontier_only,
    )
    try:
        estimator.fit(frame["release_date"].to_numpy(), frame["density"].to_numpy(dtype=float))
    except FitError as err:
        empty = dict.fromkeys(("slope_per_day", "intercept", "t0", "doubling_days", "doubling_months", "r2"))
        empty |= {
            "slope_per_day_ci": [None, None],
            "doubling_days_ci": [None, None],
            "doubling_months_ci": [None, None],
            "n_models": len(frame),
            "n_frontier": 0,
            "frontier": [],
            "first_release": _first(frame),
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
        "first_release": _first(frame),
        "error": None,
    }
    return summary, estimator


def _first(frame: pd.DataFrame) -> str | None:
    return None if frame.empty else min(frame["release_date"]).isoformat()


def trend_document(
    densities: pd.DataFrame,
    opts: FitOptions,
    ruler_id: str,
    data_version: str,
    bench_set: Sequence[str],
    track_id: str | None = None,
    baseline: tuple[str, frozenset[str]] | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """The trend.json object and the ids of the frontier models.

    ``baseline`` is ``(version, model ids)`` of the previous data release: the trend is fitted again
    on the models it held (``without_added``), with the ids of the models added since.
    """
    in_trend = densities[densities["in_trend"]].sort_values(["release_date", "model"], kind="mergesort")
    summary, estimator = fit_trend(in_trend, opts)
    with_members = None
    if "reference_eligible" in densities and densities["reference_eligible"].any():
        eligible = densities[densities["in_trend"] | densities["reference_eligible"]]
        with_members = fit_trend(eligible.sort_values(["release_date", "model"], kind="mergesort"), opts)[0]
        with_members["added"] = sorted(densities.loc[densities["reference_eligible"], "model"].tolist())
    citable, _ = fit_trend(in_trend[in_trend["citable"].astype(bool)], opts)
    cut = pd.Timestamp(opts.cut_date).date()
    before = in_trend[in_trend["release_date"] < cut]
    after = in_trend[in_trend["release_date"] >= cut]
    document = {
        "track": track_id,
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
        "citable_only": citable,
        "with_reference_models": with_members,
        "without_added": None if baseline is None else _without_added(in_trend, baseline, opts, densities),
        "line": [] if estimator is None else _line(estimator, in_trend),
        "line_extension": [] if estimator is None else _line(estimator, in_trend, extension=True),
        "active_params": _active(in_trend, opts),
        "verdict": judge(
            densities,
            cut_date=cut,
            n_resamples=opts.n_resamples,
            confidence=opts.confidence,
            seed=opts.seed,
        ),
        **_forecasts(in_trend, densities, opts, cut),
        "options": {
            "include_mismatched": opts.include_mismatched,
            "strict_protocol": opts.strict_protocol,
            "d0_tokens": opts.d0_tokens,
            "min_benchmarks": opts.min_benchmarks,
        },
    }
    return document, list(summary["frontier"])


def _forecasts(
    in_trend: pd.DataFrame, densities: pd.DataFrame, opts: FitOptions, cut: dt.date
) -> dict[str, Any]:
    """``forecast`` (the post-cut frontier line continued, :mod:`densing_fit.forecast`) and its back-test."""
    settings = {
        "cut_date": cut,
        "n_resamples": opts.n_resamples,
        "confidence": opts.confidence,
        "seed": opts.seed,
    }
    return {
        "forecast": forecast_document(in_trend, densities, **settings),
        "forecast_backtest": forecast_backtest(in_trend, densities, **settings),
    }


def _without_added(
    in_trend: pd.DataFrame, baseline: tuple[str, frozenset[str]], opts: FitOptions, densities: pd.DataFrame
) -> dict[str, Any]:
    version, held = baseline
    kept = in_trend["model"].isin(held)
    fit = fit_trend(in_trend[kept], opts)[0]
    return fit | {
        "release": version,
        "added": sorted(in_trend.loc[~kept, "model"].tolist()),
        "added_bounds": _added_bounds(densities, held),
    }


def _added_bounds(densities: pd.DataFrame, held: frozenset[str]) -> list[dict[str, Any]]:
    """Added base models read only as a bound in one direction: ``{"model", "density", "bound"}``
    with ``bound`` ``"at_least"`` (beyond the ruler's top) or ``"at_most"`` (below its bottom)."""
    out = []
    for row in densities.itertuples(index=False):
        flags = set(str(row.flags or "").split(";"))
        if row.model in held or row.kind != "base" or pd.isna(row.density):
            continue
        above, below = "above_ruler" in flags, "below_ruler" in flags
        if above != below:
            out.append(
                {
                    "model": row.model,
                    "density": float(row.density),
                    "bound": "at_least" if above else "at_most",
                }
            )
    return sorted(out, key=lambda r: r["model"])


def _side(frame: pd.DataFrame, opts: FitOptions) -> dict[str, Any] | None:
    if frame.empty:
        return None
    every = fit_trend(frame, opts, frontier_only=False)[0]
    every.pop("frontier")
    adjusted = fit_size_adjusted(
        frame, n_resamples=opts.n_resamples, confidence=opts.confidence, random_state=opts.seed
    )
    return fit_trend(frame, opts)[0] | {"all_models": every, "size_adjusted": adjusted}


def _active(in_trend: pd.DataFrame, opts: FitOptions) -> dict[str, Any]:
    """The trend of density per *active* parameter (``density_active``) over the same models, with its
    line: the inference-time view of mixtures of experts."""
    frame = in_trend.assign(density=in_trend["density_active"])
    fit, estimator = fit_trend(frame, opts)
    fit["line"] = [] if estimator is None else _line(estimator, frame)
    fit["line_extension"] = [] if estimator is None else _line(estimator, frame, extension=True)
    return fit


def _line(estimator: DensingTrend, frame: pd.DataFrame, extension: bool = False) -> list[dict[str, Any]]:
    """The fitted line and its band, sampled from the first model to the last *frontier* point (a line
    is not drawn past the data that set it); ``extension=True``: from the last frontier point to the
    newest model in the trend, where the line is an extrapolation (empty when they coincide)."""
    days_all = estimator.days_since_t0(frame["release_date"].to_numpy())
    last_frontier = float(days_all[estimator.frontier_mask_].max())
    if extension:
        newest = float(days_all.max())
        if newest <= last_frontier:
            return []
        days = np.unique(np.round(np.linspace(last_frontier, newest, LINE_POINTS // 4)))
    else:
        days = np.unique(np.round(np.linspace(0.0, last_frontier, LINE_POINTS)))
    dates = pd.Timestamp(estimator.t0_) + pd.to_timedelta(days, unit="D")
    fitted = estimator.predict(dates)
    low, high = estimator.band(dates)
    return [
        {"date": d.date().isoformat(), "density": float(f), "low": float(lo), "high": float(hi)}
        for d, f, lo, hi in zip(dates, fitted, low, high, strict=True)
    ]
