"""The frontier line as a forecast: where the densing law puts the frontier next, and when it reaches a
given density.

A :class:`FrontierForecast` is the post-ChatGPT frontier fit of a track (ln ρ_max = A·t + B, t in days
since ``t0``) with its bootstrap lines and the frontier's scatter about the line. It answers two
questions about any model of effective size N̂:

- **when** does the line reach the density N̂ / N, i.e. when is a model of N parameters expected to
  match it: t = (ln(N̂/N) − B) / A, with the interval of t over the bootstrap lines;
- **how small** is the model expected to match it on day t: N = N̂ / ρ(t), with the interval over the
  bootstrap lines.

Both intervals are the fitted line's (the bootstrap's expanded-percentile levels, as the trend's band);
neither carries the model's own effective-size interval nor the scatter of single frontier models
about the line (that scatter widens the *prediction* band of
:func:`densing_fit.trend.verdict.prediction_interval`,
which the forecast's drawn band is).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Estimate:
    """A forecast number with its interval; an end is ``inf``/``-inf`` where the interval has none."""

    value: float
    low: float
    high: float


def percentile(values: np.ndarray, q: float) -> float:
    """The ``q``-th percentile (0–100) of ``values`` by linear interpolation between order statistics
    (numpy's default), where an infinite neighbour makes the result infinite instead of ``nan``."""
    ordered = np.sort(np.asarray(values, dtype=float))
    if ordered.size == 0:
        raise ValueError("percentile of no values")
    position = (ordered.size - 1) * q / 100.0
    lower = math.floor(position)
    upper = min(lower + 1, ordered.size - 1)
    a, b = float(ordered[lower]), float(ordered[upper])
    fraction = position - lower
    if fraction == 0.0 or a == b:
        return a
    if math.isinf(a):
        return a
    if math.isinf(b):
        return b
    return a + (b - a) * fraction


@dataclass(frozen=True)
class FrontierForecast:
    """The frontier line of a track with its bootstrap lines, as a forecast (see the module doc)."""

    t0: dt.date
    """Day 0 of ``t``."""
    slope: float
    """A: ln ρ per day."""
    intercept: float
    """B: ln ρ at ``t0``."""
    lines: np.ndarray
    """Bootstrap lines, shape (k, 2): (slope, intercept) per resample, all finite."""
    percentiles: tuple[float, float]
    """Levels (in %) of the interval's ends: the trend's expanded-percentile levels."""
    slope_ci: tuple[float, float]
    """The slope's interval at those levels."""

    @property
    def finite_date(self) -> bool:
        """True when the whole slope interval lies above zero: only then does the line reach any
        higher density at a date the interval can bound."""
        return self.slope_ci[0] > 0

    def day(self, date: dt.date) -> float:
        """Days from ``t0`` to ``date``."""
        return float((date - self.t0).days)

    def date(self, day: float) -> dt.date | None:
        """The date ``day`` days after ``t0`` (rounded to a whole day); None when infinite or beyond
        the calendar."""
        if not math.isfinite(day) or abs(day) > 3_000_000:
            return None
        return self.t0 + dt.timedelta(days=round(day))

    def log_density(self, day: float) -> float:
        """ln ρ of the fitted line ``day`` days after ``t0``."""
        return self.slope * day + self.intercept

    def match_day(self, effective_params: float, params: float) -> Estimate | None:
        """The day on which the line reaches the density ``effective_params / params``: when a model of
        ``params`` parameters is expected to match one of effective size ``effective_params``; None
        when the slope's interval reaches zero (no finite date). A bootstrap line that does not grow
        never reaches a higher density: its day counts as infinitely late."""
        if not self.finite_date or effective_params <= 0 or params <= 0:
            return None
        target = math.log(effective_params / params)
        slopes, intercepts = self.lines[:, 0], self.lines[:, 1]
        with np.errstate(divide="ignore", invalid="ignore"):
            days = np.where(slopes > 0, (target - intercepts) / slopes, np.inf)
        low, high = (percentile(days, q) for q in self.percentiles)
        return Estimate((target - self.intercept) / self.slope, low, high)

    def smallest_params(self, effective_params: float, day: float) -> Estimate:
        """The size N = N̂ / ρ(t) of a model on the line ``day`` days after ``t0`` that matches a model
        of effective size ``effective_params``, with the interval over the bootstrap lines."""
        log_hat = math.log(effective_params)
        logs = log_hat - (self.lines[:, 0] * day + self.lines[:, 1])
        low, high = (math.exp(percentile(logs, q)) for q in self.percentiles)
        return Estimate(math.exp(log_hat - self.log_density(day)), low, high)

    @classmethod
    def from_document(cls, forecast: dict[str, Any]) -> FrontierForecast:
        """The forecast a trend.json ``forecast`` object describes (docs/dev/fit-outputs.md); a
        ``ValueError`` naming the key when the object lacks one or holds a wrong value."""
        try:
            lines = np.column_stack(
                [np.asarray(forecast["lines"][k], dtype=float) for k in ("slope", "intercept")]
            )
            made = cls(
                t0=dt.date.fromisoformat(str(forecast["t0"])),
                slope=float(forecast["slope_per_day"]),
                intercept=float(forecast["intercept"]),
                lines=lines,
                percentiles=(float(forecast["percentiles"][0]), float(forecast["percentiles"][1])),
                slope_ci=(float(forecast["slope_per_day_ci"][0]), float(forecast["slope_per_day_ci"][1])),
            )
        except KeyError as err:
            raise ValueError(f"the forecast has no {err.args[0]!r}") from None
        except (TypeError, ValueError, IndexError) as err:
            raise ValueError(f"the forecast holds a value of the wrong kind ({err})") from None
        if lines.size == 0 or not np.all(np.isfinite(lines)):
            raise ValueError("the forecast's lines must be a non-empty list of finite numbers")
        return made
