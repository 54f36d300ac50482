"""The densing law: ln ρ_max = A·t + B over release dates, with a seeded bootstrap interval.

The *frontier* is the set of models that set a new maximum density at their release date (among
the models given; on a date shared by several models only the densest can be frontier, and only
if it beats every earlier model strictly). A is fitted by ordinary least squares of ln ρ on t
(days since the earliest date) over the frontier; the doubling time is ln 2 / A.

The interval is a bootstrap: models are resampled with replacement, the frontier is found again
in each resample and the line refitted, so the interval carries the uncertainty of which models
form the frontier as well as of the fit. Plain percentiles of so few frontier points under-cover
(about 80% for a nominal 90% in simulation), so the interval uses Hesterberg's *expanded
percentile* (2015): the percentiles at ``Φ(-z)``, ``Φ(z)`` with ``z = sqrt(k/(k-2)) t_{k-2}(1-α/2)``
and ``k`` the number of frontier points. ``docs/method.md`` gives the measured coverage.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from scipy import special

from densing_fit.errors import FitError, check_is_fitted

DAYS_PER_MONTH = 30.44
"""Mean days per month (365.25 / 12), for doubling times in months."""


def doubling_days(slope_per_day: float) -> float | None:
    """Days for density to double at ``slope_per_day`` (ln ρ per day): ln 2 / A, None unless A > 0."""
    return float(np.log(2) / slope_per_day) if slope_per_day > 0 else None


def doubling_days_interval(low: float, high: float) -> tuple[float | None, float | None]:
    """The doubling-time interval of a slope interval [low, high]: (fastest, slowest) doubling in
    days. The fastest is None when even ``high`` is not above zero (no growth anywhere in the
    interval); the slowest is None (unbounded) when ``low`` is not above zero (the interval admits no
    growth, so no doubling time is too long)."""
    return doubling_days(high), doubling_days(low)


def release_days(dates: object) -> tuple[np.ndarray, dt.date]:
    """Days since the earliest of ``dates``, and that day; a clear error for none or a missing one."""
    stamps = as_datetime64(dates)
    if stamps.size == 0:
        raise FitError("the trend needs at least 3 models with a density and a date, got 0")
    if np.isnat(stamps).any():
        raise FitError("release dates contain missing values; give a date for every model in the trend")
    t0 = stamps.min().astype("datetime64[D]")
    days = (stamps - t0) / np.timedelta64(1, "D")
    return days.astype(float), t0.astype(dt.date)


def as_datetime64(dates: object) -> np.ndarray:
    """``dates`` (dates, timestamps, ISO strings; any shape) as a flat ``datetime64[ns]`` array, missing
    ones ``NaT``. Plain dates and datetime64 arrays are converted directly; anything else as
    :func:`pandas.to_datetime` reads it."""
    values = np.asarray(dates).ravel()
    if values.dtype.kind == "M":
        return values.astype("datetime64[ns]")
    if values.dtype == object and all(type(v) is dt.date for v in values):
        return values.astype("datetime64[D]").astype("datetime64[ns]")
    return pd.to_datetime(pd.Series(values), errors="raise").to_numpy(dtype="datetime64[ns]")


def frontier_mask(days: np.ndarray, densities: np.ndarray) -> np.ndarray:
    """True for models that set a new maximum density at their release date (see module doc)."""
    order = np.lexsort((np.arange(days.size), -densities, days))
    mask = np.zeros(days.size, dtype=bool)
    best = -np.inf
    for position, index in enumerate(order):
        first_of_day = position == 0 or days[order[position - 1]] != days[index]
        if first_of_day and densities[index] > best:
            mask[index] = True
        best = max(best, densities[index]) if first_of_day else best
    return mask


def _bootstrap_lines(
    days: np.ndarray, log_density: np.ndarray, picks: np.ndarray, frontier_only: bool
) -> np.ndarray:
    """(slope, intercept) of each resample; rows of ``picks`` index models sorted by (day, -density).

    Vectorised over resamples: with each row of ``picks`` sorted, the first pick of a day is that
    day's densest model, so the frontier is "first of its day and denser than everything before".
    Rows with fewer than two frontier points get ``nan``.
    """
    t = days[picks] - days.mean()
    y = log_density[picks]
    if frontier_only:
        first = np.ones(t.shape, dtype=bool)
        first[:, 1:] = t[:, 1:] != t[:, :-1]
        before = np.full(t.shape, -np.inf)
        before[:, 1:] = np.maximum.accumulate(y, axis=1)[:, :-1]
        weight = (first & (y > before)).astype(float)
    else:
        weight = np.ones(t.shape)
    count = weight.sum(axis=1)
    mean_t = (weight * t).sum(axis=1) / count
    mean_y = (weight * y).sum(axis=1) / count
    dt_ = t - mean_t[:, None]
    sxx = (weight * dt_**2).sum(axis=1)
    sxy = (weight * dt_ * (y - mean_y[:, None])).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = np.where((count >= 2) & (sxx > 0), sxy / sxx, np.nan)
    intercept = mean_y - slope * (mean_t + days.mean())
    return np.column_stack([slope, intercept])


def _line(t: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    t_mean = t.mean()
    sxx = float(np.sum((t - t_mean) ** 2))
    slope = float(np.sum((t - t_mean) * (y - y.mean())) / sxx)
    return slope, float(y.mean() - slope * t_mean)


class DensingTrend:
    """Fit ln ρ_max = A·t + B on the density frontier, with a bootstrap interval of the doubling time.

    Parameters (keyword only): n_resamples (bootstrap resamples), confidence (two-sided level of
    the interval), random_state (seed of the bootstrap; same seed, same interval), frontier_only
    (False fits every model given instead of the frontier).
    """

    def __init__(
        self,
        *,
        n_resamples: int = 1000,
        confidence: float = 0.9,
        random_state: int = 0,
        frontier_only: bool = True,
    ) -> None:
        self.n_resamples = n_resamples
        self.confidence = confidence
        self.random_state = random_state
        self.frontier_only = frontier_only

    def fit(self, dates: object, densities: object) -> DensingTrend:
        """Fit on release ``dates`` and ``densities`` (> 0) of the models; return ``self``."""
        if not 0 < self.confidence < 1:
            raise ValueError(f"confidence must lie in (0, 1), got {self.confidence}")
        days, t0 = release_days(dates)
        rho = np.asarray(densities, dtype=float).ravel()
        if rho.size != days.size:
            raise FitError(f"{days.size} release dates but {rho.size} densities; give one density per model")
        if not np.all(np.isfinite(rho)) or np.any(rho <= 0):
            raise FitError(
                f"densities must be finite and positive, got {rho[~np.isfinite(rho) | (rho <= 0)].tolist()}"
            )
        if rho.size < 3:
            raise FitError(f"the trend needs at least 3 models with a density and a date, got {rho.size}")
        if np.unique(days).size < 2:
            raise FitError(
                "every model has the same release date; the trend over time needs at least two dates"
            )
        mask = frontier_mask(days, rho) if self.frontier_only else np.ones(days.size, dtype=bool)
        t, y = days[mask], np.log(rho[mask])
        if t.size < 2 or np.unique(t).size < 2:
            raise FitError(
                "no model released later is denser than the densest of the first release date, so the "
                "frontier is a single date and the densing-law line needs two"
            )
        slope, intercept = _line(t, y)
        fitted = slope * t + intercept
        tss = float(np.sum((y - y.mean()) ** 2))
        self.t0_ = t0
        self.slope_per_day_ = slope
        self.intercept_ = intercept
        self.r2_ = 1.0 - float(np.sum((y - fitted) ** 2)) / tss if tss > 0 else 0.0
        self.frontier_mask_ = mask
        self.n_models_ = int(rho.size)
        self.n_frontier_ = int(mask.sum())
        self.bootstrap_params_ = self._bootstrap(days, np.log(rho))
        self.n_bootstrap_failed_ = int(np.sum(~np.isfinite(self.bootstrap_params_[:, 0])))
        self._set_intervals()
        return self

    def _bootstrap(self, days: np.ndarray, log_density: np.ndarray) -> np.ndarray:
        rng = np.random.default_rng(self.random_state)
        order = np.lexsort((-log_density, days))
        days, log_density = days[order], log_density[order]
        out = np.empty((self.n_resamples, 2))
        chunk = max(1, 200_000 // days.size)
        for start in range(0, self.n_resamples, chunk):
            size = min(chunk, self.n_resamples - start)
            picks = np.sort(rng.integers(0, days.size, size=(size, days.size)), axis=1)
            out[start : start + size] = _bootstrap_lines(days, log_density, picks, self.frontier_only)
        return out

    def _tail_percent(self) -> float:
        """Lower percentile (in %) of the expanded-percentile interval at ``confidence``."""
        k = self.n_frontier_
        df = max(k - 2, 1)
        # Student's t quantile and the normal upper tail: scipy.stats.t.ppf and norm.sf compute exactly
        # these, but importing scipy.stats costs 0.4 s of every densing fit
        z = np.sqrt(k / df) * special.stdtrit(df, 1 - (1 - self.confidence) / 2)
        return float(special.ndtr(-z) * 100)

    def _set_intervals(self) -> None:
        slopes = self.bootstrap_params_[:, 0]
        slopes = slopes[np.isfinite(slopes)]
        tail = self._tail_percent()
        self.interval_percentiles_ = (tail, 100 - tail)
        if slopes.size == 0:
            raise FitError("no bootstrap resample had two frontier dates; the interval cannot be computed")
        low, high = np.percentile(slopes, [tail, 100 - tail])
        self.slope_ci_ = (float(low), float(high))
        self.doubling_days_ = doubling_days(self.slope_per_day_)
        self.doubling_days_ci_ = doubling_days_interval(low, high)

    @property
    def doubling_months_(self) -> float | None:
        """Doubling time in months (30.44 days), None when density does not grow."""
        check_is_fitted(self, "slope_per_day_")
        return None if self.doubling_days_ is None else self.doubling_days_ / DAYS_PER_MONTH

    def days_since_t0(self, dates: object) -> np.ndarray:
        """Days from the fit's ``t0_`` to each of ``dates``."""
        check_is_fitted(self, "t0_")
        days = (as_datetime64(dates) - np.datetime64(self.t0_, "ns")) / np.timedelta64(1, "D")
        return days.astype(float)

    def predict(self, dates: object) -> np.ndarray:
        """Density on the fitted line at ``dates``."""
        check_is_fitted(self, "slope_per_day_")
        return np.exp(self.slope_per_day_ * self.days_since_t0(dates) + self.intercept_)

    def band(self, dates: object) -> tuple[np.ndarray, np.ndarray]:
        """Pointwise bootstrap band (at ``confidence``) of the line's density at ``dates``."""
        check_is_fitted(self, "bootstrap_params_")
        t = self.days_since_t0(dates)
        params = self.bootstrap_params_[np.isfinite(self.bootstrap_params_[:, 0])]
        lines = params[:, :1] * t[None, :] + params[:, 1:]
        low, high = np.percentile(lines, list(self.interval_percentiles_), axis=0)
        return np.exp(low), np.exp(high)
