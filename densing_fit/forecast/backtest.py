"""Back-test of the forecast: fit on the models released before a past date, forecast the next year's
frontier, and count how often the real frontier fell inside the 90% prediction band.

For every cut-off (:data:`CUTOFFS`, quarterly from 2024-01-01 to 2025-07-01) the forecast of
:mod:`densing_fit.forecast.document` is fitted on the models in the trend released from the cut date
(ChatGPT) up to the day before the cut-off, exactly as the headline forecast is fitted on all of them.
The *real frontier* of the following :data:`HORIZON_DAYS` days are the exact readings in the trend
released then that set a new maximum density among the models in the trend from the cut date (the
frontier of the forecast's own period: a model's frontier status depends only on the models released
before it, so the cut-off does not change it). Each is placed against the band at its release date:
``inside``, ``above`` or ``below``. Bounds are not in the trend, so they are never counted.

A year without a new frontier point adds nothing to the count, although a stalled frontier is itself a
miss of the line; so every cut-off also places the densest exact reading of its year (``densest``),
frontier or not. The windows of successive cut-offs overlap (a year ahead, every quarter), so one
frontier model is placed by up to four forecasts: the counts are of placements, with the number of
distinct models beside them. How wide the band was where a point fell (``band_factor``: its upper
end over its lower end) says how much an "inside" is worth.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from densing_fit.errors import FitError
from densing_fit.forecast.document import HORIZON_DAYS, FittedForecast, fit_forecast, newest_reading
from densing_fit.trend.law import frontier_mask, release_days
from densing_fit.trend.verdict import prediction_interval

CUTOFFS = tuple(
    dt.date(year, month, 1)
    for year, month in ((2024, 1), (2024, 4), (2024, 7), (2024, 10), (2025, 1), (2025, 4), (2025, 7))
)
"""Cut-off dates: the first day of every quarter from 2024-01 to 2025-07."""


def _period_frontier(after: pd.DataFrame) -> np.ndarray:
    """Frontier flags of ``after`` (sorted by date) among its own models."""
    days, _ = release_days(after["release_date"].to_numpy())
    return frontier_mask(days, after["density"].to_numpy(dtype=float))


def _place(fitted: FittedForecast, frame: pd.DataFrame, confidence: float) -> list[dict[str, Any]]:
    """Each row of ``frame`` against the forecast's prediction band at its release date."""
    if frame.empty:
        return []
    dates = pd.to_datetime(pd.Series(frame["release_date"].to_numpy()))
    centre, low, high = prediction_interval(fitted.trend, fitted.residual_sd, dates, confidence)
    out = []
    for model, date, rho, c, lo, hi in zip(
        frame["model"], dates, frame["density"].astype(float), centre, low, high, strict=True
    ):
        position = "above" if rho > hi else "below" if rho < lo else "inside"
        out.append(
            {
                "model": str(model),
                "release_date": date.date().isoformat(),
                "density": float(rho),
                "predicted": float(c),
                "prediction_low": float(lo),
                "prediction_high": float(hi),
                "band_factor": float(hi / lo),
                "position": position,
            }
        )
    return out


def _cutoff_row(
    after: pd.DataFrame, frontier: np.ndarray, cutoff: dt.date, newest: dt.date | None, opts: dict[str, Any]
) -> dict[str, Any]:
    """One cut-off: the fit before it and its placements in the year after it."""
    end = cutoff + dt.timedelta(days=HORIZON_DAYS)
    row: dict[str, Any] = {"cutoff": cutoff.isoformat(), "window_end": end.isoformat()}
    dates = after["release_date"]
    train = after[dates < cutoff]
    if newest is None or newest < cutoff:
        return row | {"error": "the track has no reading from the cut-off on", "n_train": len(train)}
    try:
        fitted = fit_forecast(train, **opts)
    except FitError as err:
        return row | {"error": str(err), "n_train": len(train)}
    in_window = ((dates >= cutoff) & (dates < end)).to_numpy()
    points = _place(fitted, after[in_window & frontier], opts["confidence"])
    window = after[in_window]
    densest = window.sort_values(["density", "model"], ascending=[False, True]).head(1)
    counts = {p: sum(1 for x in points if x["position"] == p) for p in ("inside", "above", "below")}
    return row | {
        "error": None,
        "n_train": len(train),
        "n_frontier": fitted.trend.n_frontier_,
        "slope_per_day": fitted.line.slope,
        "doubling_days": fitted.trend.doubling_days_,
        "residual_sd": fitted.residual_sd,
        "observed_until": min(newest, end - dt.timedelta(days=1)).isoformat(),
        "n_window": len(window),
        "points": points,
        "densest": (_place(fitted, densest, opts["confidence"]) or [None])[0],
        "n_points": len(points),
        **{f"n_{p}": n for p, n in counts.items()},
    }


def forecast_backtest(
    in_trend: pd.DataFrame,
    densities: pd.DataFrame,
    *,
    cut_date: dt.date,
    n_resamples: int,
    confidence: float,
    seed: int,
    cutoffs: tuple[dt.date, ...] = CUTOFFS,
) -> dict[str, Any]:
    """trend.json's ``forecast_backtest`` (docs/dev/fit-outputs.md): one row per cut-off and the
    overall coverage of the prediction band."""
    after = in_trend[in_trend["release_date"] >= cut_date].sort_values(
        ["release_date", "model"], kind="mergesort"
    )
    opts = {"n_resamples": n_resamples, "confidence": confidence, "seed": seed}
    frontier = _period_frontier(after) if len(after) else np.zeros(0, dtype=bool)
    newest = newest_reading(densities)
    rows = [_cutoff_row(after, frontier, c, newest, opts) for c in cutoffs]
    fitted = [r for r in rows if r["error"] is None]
    n_points = sum(r["n_points"] for r in fitted)
    n_inside = sum(r["n_inside"] for r in fitted)
    factors = [p["band_factor"] for r in fitted for p in r["points"]]
    return {
        "cut_date": cut_date.isoformat(),
        "confidence": confidence,
        "horizon_days": HORIZON_DAYS,
        "cutoffs": rows,
        "n_cutoffs": len(fitted),
        "n_points": n_points,
        "n_inside": n_inside,
        "n_above": sum(r["n_above"] for r in fitted),
        "n_below": sum(r["n_below"] for r in fitted),
        "coverage": n_inside / n_points if n_points else None,
        "n_models": len({p["model"] for r in fitted for p in r["points"]}),
        "median_band_factor": float(np.median(factors)) if factors else None,
    }
