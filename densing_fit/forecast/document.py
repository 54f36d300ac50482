"""trend.json's ``forecast``: the post-ChatGPT frontier line continued past its last frontier point.

The forecast is the track's headline fit, the frontier fit on the models in the trend released from
the cut date (ChatGPT), continued from its last frontier point to :data:`HORIZON_DAYS` past the
track's newest reading, with the 90% *prediction* band of a new frontier point
(:func:`densing_fit.trend.verdict.prediction_interval`: the line's bootstrap band widened by the frontier's
scatter about the line). It also carries what the site needs to answer, for any model and any N or
date, the questions of :class:`densing_fit.forecast.line.FrontierForecast`: the fitted line, the
bootstrap lines and the interval's percentile levels.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from densing_fit.errors import FitError
from densing_fit.forecast.line import FrontierForecast
from densing_fit.trend.law import DensingTrend
from densing_fit.trend.verdict import prediction_interval, residual_sd

HORIZON_DAYS = 365
"""How far past the track's newest reading the forecast runs (and the back-test looks ahead)."""
FORECAST_POINTS = 24
"""Dates at which the forecast line and band are sampled."""
MIN_FRONTIER = 3
"""Fewest frontier points for a forecast: two always lie on their line, leaving no scatter to measure."""
LINE_DIGITS = 6
"""Significant digits of the bootstrap lines written out (their spread is far wider)."""


@dataclass(frozen=True)
class FittedForecast:
    """A frontier fit ready to forecast: the estimator, the line, the scatter about it."""

    trend: DensingTrend
    """The fitted estimator (its bootstrap gives the band)."""
    line: FrontierForecast
    """The line with its bootstrap lines."""
    residual_sd: float
    """Standard deviation of the frontier's ln ρ about the line."""
    last_frontier: dt.date
    """Release date of the last frontier point."""


def fit_forecast(frame: pd.DataFrame, *, n_resamples: int, confidence: float, seed: int) -> FittedForecast:
    """Fit the frontier line on ``frame`` (columns release_date, density; the models in the trend of
    one period) for a forecast; :class:`FitError` saying why when it cannot be."""
    if len(frame) < MIN_FRONTIER:
        raise FitError(f"{len(frame)} models in the trend, too few for a forecast (at least {MIN_FRONTIER})")
    ordered = frame.sort_values(["release_date", "model"], kind="mergesort")
    trend = DensingTrend(n_resamples=n_resamples, confidence=confidence, random_state=seed)
    trend.fit(ordered["release_date"].to_numpy(), ordered["density"].to_numpy(dtype=float))
    if trend.n_frontier_ < MIN_FRONTIER:
        raise FitError(
            f"the frontier has {trend.n_frontier_} points, too few to measure its scatter about the line "
            f"(at least {MIN_FRONTIER})"
        )
    params = trend.bootstrap_params_
    line = FrontierForecast(
        t0=trend.t0_,
        slope=trend.slope_per_day_,
        intercept=trend.intercept_,
        lines=params[np.isfinite(params[:, 0])],
        percentiles=trend.interval_percentiles_,
        slope_ci=trend.slope_ci_,
    )
    last = max(ordered["release_date"].to_numpy()[trend.frontier_mask_])
    return FittedForecast(trend, line, residual_sd(trend, ordered), pd.Timestamp(last).date())


def newest_reading(densities: pd.DataFrame) -> dt.date | None:
    """Release date of the track's newest base-model reading, bounds included (as the verdict's window)."""
    base = densities[(densities["kind"] == "base") & densities["density"].notna()]
    return None if base.empty else pd.Timestamp(max(base["release_date"])).date()


def band_rows(
    fitted: FittedForecast, start: dt.date, end: dt.date, confidence: float
) -> list[dict[str, Any]]:
    """The forecast line and its prediction band at :data:`FORECAST_POINTS` dates from ``start`` to
    ``end``: ``[{date, density, low, high}]``."""
    days = np.unique(np.round(np.linspace(0.0, float((end - start).days), FORECAST_POINTS)))
    dates = pd.Timestamp(start) + pd.to_timedelta(days, unit="D")
    centre, low, high = prediction_interval(fitted.trend, fitted.residual_sd, dates, confidence)
    return [
        {"date": d.date().isoformat(), "density": float(c), "low": float(lo), "high": float(hi)}
        for d, c, lo, hi in zip(dates, centre, low, high, strict=True)
    ]


def forecast_document(
    in_trend: pd.DataFrame,
    densities: pd.DataFrame,
    *,
    cut_date: dt.date,
    n_resamples: int,
    confidence: float,
    seed: int,
) -> dict[str, Any]:
    """The ``forecast`` object of trend.json (docs/dev/fit-outputs.md); ``error`` says why when there is
    none (then every other key but ``cut_date`` is absent)."""
    after = in_trend[in_trend["release_date"] >= cut_date]
    head: dict[str, Any] = {"cut_date": cut_date.isoformat(), "confidence": confidence}
    try:
        fitted = fit_forecast(after, n_resamples=n_resamples, confidence=confidence, seed=seed)
    except FitError as err:
        return head | {"error": f"no forecast from the models released from {cut_date.isoformat()}: {err}"}
    line = fitted.line
    newest = newest_reading(densities) or fitted.last_frontier
    end = max(newest, fitted.last_frontier) + dt.timedelta(days=HORIZON_DAYS)
    trend = fitted.trend
    low, high = trend.doubling_days_ci_
    return head | {
        "error": None,
        "t0": line.t0.isoformat(),
        "slope_per_day": line.slope,
        "intercept": line.intercept,
        "slope_per_day_ci": list(line.slope_ci),
        "doubling_days": trend.doubling_days_,
        "doubling_days_ci": [low, high],
        "finite_date": line.finite_date,
        "residual_sd": fitted.residual_sd,
        "n_models": trend.n_models_,
        "n_frontier": trend.n_frontier_,
        "percentiles": list(line.percentiles),
        "start": fitted.last_frontier.isoformat(),
        "newest_reading": newest.isoformat(),
        "end": end.isoformat(),
        "horizon_days": HORIZON_DAYS,
        "points": band_rows(fitted, fitted.last_frontier, end, confidence),
        "lines": {
            "slope": [float(f"{v:.{LINE_DIGITS}g}") for v in line.lines[:, 0]],
            "intercept": [float(f"{v:.{LINE_DIGITS}g}") for v in line.lines[:, 1]],
        },
    }
