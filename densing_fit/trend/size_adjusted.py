"""Density over time at equal size: ln ρ = A·t + C·ln N + B over every model of a period.

The all-model slope of a period mixes two things: how density changed over time, and which sizes
were released when. Before ChatGPT the later models were mostly larger (OPT-66B, BLOOM-176B) and
larger models of that era were trained on few tokens per parameter, so density can fall over the
period even if models of one size did not get less dense. Adding ln N to the regression separates
the two: A is the change of ln ρ per day between models of equal size, C how ln ρ changes with size.
The interval is a seeded percentile bootstrap over models, like the trend's.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from densing_fit.trend.law import doubling_days, doubling_days_interval, release_days

MIN_MODELS = 4
"""Fewest models for the two-predictor fit (three coefficients and at least one residual)."""


def _coefficients(t: np.ndarray, log_n: np.ndarray, y: np.ndarray) -> np.ndarray:
    """(A, C, B) by least squares; NaNs when dates or sizes do not vary (rank deficient)."""
    design = np.column_stack([t, log_n, np.ones_like(t)])
    if np.linalg.matrix_rank(design) < 3:
        return np.full(3, np.nan)
    return np.linalg.lstsq(design, y, rcond=None)[0]


def _bootstrap_coefficients(t: np.ndarray, log_n: np.ndarray, y: np.ndarray, picks: np.ndarray) -> np.ndarray:
    """(A, C, B) of every resample (rows of ``picks``), by the closed-form least squares of two
    centred predictors, all resamples at once; NaNs where a resample's dates or sizes do not vary, or
    vary together (the design is rank deficient, as :func:`_coefficients` says)."""
    tp, np_, yp = t[picks], log_n[picks], y[picks]
    tc = tp - tp.mean(axis=1, keepdims=True)
    nc = np_ - np_.mean(axis=1, keepdims=True)
    yc = yp - yp.mean(axis=1, keepdims=True)
    stt, snn, stn = (tc * tc).sum(axis=1), (nc * nc).sum(axis=1), (tc * nc).sum(axis=1)
    sty, sny = (tc * yc).sum(axis=1), (nc * yc).sum(axis=1)
    det = stt * snn - stn**2
    ok = (stt > 0) & (snn > 0) & (det > 1e-10 * stt * snn)
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(ok, (sty * snn - sny * stn) / det, np.nan)
        c = np.where(ok, (sny * stt - sty * stn) / det, np.nan)
    b = yp.mean(axis=1) - a * tp.mean(axis=1) - c * np_.mean(axis=1)
    return np.column_stack([a, c, b])


def fit_size_adjusted(
    frame: pd.DataFrame, *, n_resamples: int, confidence: float, random_state: int
) -> dict[str, Any]:
    """The size-adjusted slope of ``frame`` (columns release_date, density, params): ``slope_per_day``
    (A) and ``log_params_coef`` (C) with their bootstrap intervals, ``doubling_days`` (ln 2 / A, None
    unless A > 0) with ``doubling_days_ci`` (fastest, slowest; see
    :func:`~densing_fit.trend.law.doubling_days_interval`) and ``n_models``; null numbers and an ``error``
    when the fit is impossible."""
    usable = frame[(frame["density"] > 0) & (frame["params"] > 0)]
    result: dict[str, Any] = {
        "slope_per_day": None,
        "slope_per_day_ci": [None, None],
        "log_params_coef": None,
        "log_params_coef_ci": [None, None],
        "doubling_days": None,
        "doubling_days_ci": [None, None],
        "n_models": len(usable),
        "n_bootstrap_failed": None,
        "error": None,
    }
    if len(usable) < MIN_MODELS:
        return result | {"error": f"needs {MIN_MODELS} or more models, got {len(usable)}"}
    t = release_days(usable["release_date"].to_numpy())[0]
    log_n = np.log(usable["params"].to_numpy(dtype=float))
    y = np.log(usable["density"].to_numpy(dtype=float))
    point = _coefficients(t, log_n, y)
    if not np.isfinite(point).all():
        return result | {
            "error": "the models share one release date or one size, so time and size cannot be separated"
        }
    rng = np.random.default_rng(random_state)
    draws = _bootstrap_coefficients(t, log_n, y, rng.integers(0, len(y), (n_resamples, len(y))))
    ok = draws[np.isfinite(draws).all(axis=1)]
    tail = 50.0 * (1.0 - confidence)
    slope_ci = np.percentile(ok[:, 0], [tail, 100.0 - tail]).tolist() if len(ok) else [None, None]
    coef_ci = np.percentile(ok[:, 1], [tail, 100.0 - tail]).tolist() if len(ok) else [None, None]
    return result | {
        "slope_per_day": float(point[0]),
        "slope_per_day_ci": slope_ci,
        "log_params_coef": float(point[1]),
        "log_params_coef_ci": coef_ci,
        "doubling_days": doubling_days(float(point[0])),
        "doubling_days_ci": list(doubling_days_interval(*slope_ci)) if len(ok) else [None, None],
        "n_bootstrap_failed": int(len(draws) - len(ok)),
    }
