"""Is the densing law still holding? A plain verdict for one track, from its readings.

The question is about the newest models, so the readings are split at a *window*: the last
:data:`WINDOW_DAYS` days before the newest reading of the track (bounds included, so a track whose
newest models read only as bounds says so). Then:

- the **earlier line** is the frontier fit (ln ρ_max = A·t + B, bootstrap interval) on the models in
  the trend released from the cut date (ChatGPT) up to the window;
- the **recent slope** is the same fit on the window's own models (their frontier within the window),
  when at least three of its dates set a new maximum;
- the **test** asks where the window's densest exact reading falls against the earlier line's 90%
  *prediction* interval at its date: the band of the line (bootstrap) widened by the frontier's own
  scatter about it (the residual standard deviation of the earlier fit). Below the interval: the
  frontier fell behind the law; inside or above it: the law holds. Lower bounds in the window
  (readings that are "at least" a density) that lie above the line's prediction contradict a fall,
  so a fall is only called when no such bound exists.

``verdict`` is one of ``holding``, ``slowed``, ``faster`` or ``undecided``, with ``reason`` in plain
words and every number behind it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from densing_fit.errors import FitError
from densing_fit.trend.law import DensingTrend

WINDOW_DAYS = 365
"""Length of the recent window (the last twelve months before the newest reading)."""
MIN_EARLIER = 4
"""Fewest models in the trend before the window for an earlier line."""
MIN_RECENT_FRONTIER = 3
"""Fewest frontier points of the window for its own slope: through two points a line has no scatter
to measure, and its bootstrap interval collapses onto the estimate."""


@dataclass(frozen=True)
class Candidate:
    """A reading in the window set against the earlier line."""

    model: str
    date: dt.date
    density: float
    predicted: float
    low: float
    high: float

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {
            "model": self.model,
            "release_date": self.date.isoformat(),
            "density": self.density,
            "predicted": self.predicted,
            "prediction_low": self.low,
            "prediction_high": self.high,
        }


def prediction_interval(
    trend: DensingTrend, residual_sd: float, dates: object, confidence: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Central line and ``confidence`` prediction interval of a *new frontier point* at ``dates``:
    the bootstrap band of the line widened (in ln ρ, in quadrature) by the frontier's scatter."""
    centre = trend.predict(dates)
    low, high = trend.band(dates)
    half = (np.log(high) - np.log(low)) / 2.0
    z = special.ndtri(0.5 + confidence / 2.0)  # the normal quantile, without importing scipy.stats
    widened = np.sqrt(half**2 + (z * residual_sd) ** 2)
    mid = (np.log(high) + np.log(low)) / 2.0
    return centre, np.exp(mid - widened), np.exp(mid + widened)


def residual_sd(trend: DensingTrend, frame: pd.DataFrame) -> float:
    """Standard deviation of the frontier's ln ρ about the fitted line (``frame``: the rows the trend
    was fitted on; n − 2 degrees of freedom, at least one)."""
    frontier = frame[trend.frontier_mask_]
    residual = np.log(frontier["density"].to_numpy(float)) - np.log(trend.predict(frontier["release_date"]))
    dof = max(residual.size - 2, 1)
    return float(np.sqrt(np.sum(residual**2) / dof))


def _fit(frame: pd.DataFrame, n_resamples: int, confidence: float, seed: int) -> DensingTrend | None:
    estimator = DensingTrend(n_resamples=n_resamples, confidence=confidence, random_state=seed)
    try:
        return estimator.fit(frame["release_date"].to_numpy(), frame["density"].to_numpy(float))
    except FitError:
        return None


def judge(
    densities: pd.DataFrame,
    *,
    cut_date: dt.date,
    n_resamples: int,
    confidence: float,
    seed: int,
) -> dict[str, Any]:
    """The verdict object of a track (see the module docstring) from its densities table."""
    base = densities[(densities["kind"] == "base") & densities["density"].notna()]
    if base.empty:
        return _undecided("the track reads no base model")
    newest = max(base["release_date"])
    start = newest - dt.timedelta(days=WINDOW_DAYS)
    in_trend = densities[densities["in_trend"].astype(bool)].sort_values(["release_date", "model"])
    earlier = in_trend[(in_trend["release_date"] >= cut_date) & (in_trend["release_date"] <= start)]
    recent = in_trend[in_trend["release_date"] > start]
    window = {"start": start.isoformat(), "end": newest.isoformat(), "days": WINDOW_DAYS}
    line = _fit(earlier, n_resamples, confidence, seed) if len(earlier) >= MIN_EARLIER else None
    out: dict[str, Any] = {
        "window": window,
        "n_earlier": len(earlier),
        "n_recent": len(recent),
        "earlier": _fit_summary(line),
        "recent": _recent_summary(recent, n_resamples, confidence, seed),
    }
    if line is None:
        return out | _undecided(
            f"only {len(earlier)} models in the trend between {cut_date.isoformat()} and "
            f"{start.isoformat()}, too few for the earlier line (at least {MIN_EARLIER})"
        )
    sd = residual_sd(line, earlier)
    out["earlier"]["residual_sd"] = sd
    bounds = _window_bounds(densities, start)
    placed_bounds = _place(line, sd, bounds, confidence)
    out["bounds_above_line"] = [c.as_dict() for c in placed_bounds if c.density > c.predicted]
    out["n_bounds"] = len(placed_bounds)
    if recent.empty:
        return out | _undecided(
            f"no exact reading in the last {WINDOW_DAYS} days"
            + (f" ({_models(len(placed_bounds))} there read only as bounds)" if placed_bounds else "")
        )
    best = recent.sort_values(["density", "model"], ascending=[False, True]).iloc[0]
    candidate = _place(line, sd, best.to_frame().T, confidence)[0]
    out["densest_recent"] = candidate.as_dict()
    return out | _decide(candidate, out["bounds_above_line"], len(placed_bounds))


def _decide(candidate: Candidate, bounds_above: list[dict[str, Any]], n_bounds: int) -> dict[str, Any]:
    """The verdict from the window's densest exact reading and its lower bounds (``n_bounds`` of them,
    ``bounds_above`` those above the earlier line)."""
    name = candidate.model
    where = f"the densest exact reading of the window ({name}) lies"
    interval = "the earlier line's 90% prediction interval"
    if candidate.density > candidate.high:
        return {"verdict": "faster", "reason": f"{where} above {interval}"}
    if candidate.density >= candidate.low:
        return {"verdict": "holding", "reason": f"{where} inside {interval}"}
    if bounds_above:
        return {
            "verdict": "undecided",
            "reason": (
                f"{where} below {interval}, but {_models(len(bounds_above))} of the window read only as "
                "lower bounds above the line: the ruler cannot yet tell whether the law slowed"
            ),
        }
    if n_bounds:
        return {
            "verdict": "undecided",
            "reason": (
                f"{where} below {interval}, but {_models(n_bounds)} of the window read only as lower bounds "
                "(beyond the ruler's reach), and the frontier may be among them"
            ),
        }
    return {
        "verdict": "slowed",
        "reason": f"{where} below {interval}, and every other model of the window reads lower",
    }


def _models(count: int) -> str:
    return f"{count} model" if count == 1 else f"{count} models"


def _undecided(reason: str) -> dict[str, Any]:
    return {"verdict": "undecided", "reason": reason}


def _window_bounds(densities: pd.DataFrame, start: dt.date) -> pd.DataFrame:
    flags = densities["flags"].fillna("").astype(str)
    lower = flags.str.contains("above_ruler") & ~flags.str.contains("below_ruler")
    keep = (densities["kind"] == "base") & lower & densities["density"].notna()
    return densities[keep & (densities["release_date"] > start)]


def _place(line: DensingTrend, sd: float, frame: pd.DataFrame, confidence: float) -> list[Candidate]:
    if frame.empty:
        return []
    dates = pd.to_datetime(frame["release_date"]).to_numpy()
    centre, low, high = prediction_interval(line, sd, dates, confidence)
    return [
        Candidate(str(m), pd.Timestamp(d).date(), float(rho), float(c), float(lo), float(hi))
        for m, d, rho, c, lo, hi in zip(
            frame["model"], dates, frame["density"].astype(float), centre, low, high, strict=True
        )
    ]


def _recent_summary(
    recent: pd.DataFrame, n_resamples: int, confidence: float, seed: int
) -> dict[str, Any] | None:
    """The window's own frontier fit, or None with fewer than :data:`MIN_RECENT_FRONTIER` frontier
    points."""
    trend = _fit(recent, n_resamples, confidence, seed) if len(recent) >= MIN_RECENT_FRONTIER else None
    if trend is None or trend.n_frontier_ < MIN_RECENT_FRONTIER:
        return None
    return _fit_summary(trend)


def _fit_summary(trend: DensingTrend | None) -> dict[str, Any] | None:
    if trend is None:
        return None
    return {
        "slope_per_day": trend.slope_per_day_,
        "slope_per_day_ci": list(trend.slope_ci_),
        "doubling_days": trend.doubling_days_,
        "doubling_days_ci": list(trend.doubling_days_ci_),
        "n_models": trend.n_models_,
        "n_frontier": trend.n_frontier_,
        "t0": trend.t0_.isoformat(),
        "intercept": trend.intercept_,
    }
