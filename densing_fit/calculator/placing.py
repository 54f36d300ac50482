"""Where a new reading stands: its rank among a track's citable readings, and against the track's
densing-law line at its release date.

The line is trend.json's fitted ``exp(A·t + B)`` (t in days since ``t0``); its 90% band is known at
the dates trend.json samples (``line`` and ``line_extension``), and between two samples it is
interpolated linearly in log density. Outside the sampled dates (before the track's first model,
after its newest) the line is an extrapolation and has no band.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class LinePlacement:
    """A density against a track's densing-law line on one date."""

    date: dt.date
    line_density: float
    """The line's density on ``date``."""
    ratio: float
    """The reading's density over the line's (a bound when the reading is one)."""
    band_low: float | None
    """The line's 90% band on ``date`` (None outside the dates the trend samples)."""
    band_high: float | None
    position: str
    """``above`` / ``inside`` / ``below`` the band; ``beyond`` when the date has no band."""


def rank_among(citable: Sequence[tuple[str, float]], value: float | None, model_id: str) -> int | None:
    """1 + the citable readings denser than ``value`` (equal ones count when their model id sorts
    first), as densing fit ranks (density descending, then model id); None without a value."""
    if value is None:
        return None
    ahead = sum(1 for other, d in citable if d > value or (d == value and other < model_id))
    return ahead + 1


def band_samples(trend: Mapping[str, Any]) -> list[tuple[dt.date, float, float]]:
    """(date, ln low, ln high) of the band at every date trend.json samples, in date order."""
    seen: dict[dt.date, tuple[float, float]] = {}
    for point in [*(trend.get("line") or []), *(trend.get("line_extension") or [])]:
        if point.get("low") and point.get("high"):
            seen.setdefault(
                dt.date.fromisoformat(point["date"]), (math.log(point["low"]), math.log(point["high"]))
            )
    return [(day, low, high) for day, (low, high) in sorted(seen.items())]


def band_at(samples: Sequence[tuple[dt.date, float, float]], date: dt.date) -> tuple[float, float] | None:
    """The band on ``date``: linear in log density between the samples around it (None outside)."""
    if not samples or date < samples[0][0] or date > samples[-1][0]:
        return None
    for (d0, lo0, hi0), (d1, lo1, hi1) in itertools.pairwise(samples):
        if d0 <= date <= d1:
            w = (date - d0).days / (d1 - d0).days
            return math.exp(lo0 * (1 - w) + lo1 * w), math.exp(hi0 * (1 - w) + hi1 * w)
    return math.exp(samples[0][1]), math.exp(samples[0][2])


def line_placement(trend: Mapping[str, Any], date: dt.date, density: float) -> LinePlacement | None:
    """``density`` against the trend's line on ``date``; None when the trend has no line."""
    slope, intercept, t0 = trend.get("slope_per_day"), trend.get("intercept"), trend.get("t0")
    if slope is None or intercept is None or not t0:
        return None
    days = (date - dt.date.fromisoformat(str(t0)[:10])).days
    line = math.exp(float(slope) * days + float(intercept))
    band = band_at(band_samples(trend), date)
    if band is None:
        position = "beyond"
    else:
        position = "above" if density > band[1] else "below" if density < band[0] else "inside"
    return LinePlacement(
        date=date,
        line_density=line,
        ratio=density / line,
        band_low=None if band is None else band[0],
        band_high=None if band is None else band[1],
        position=position,
    )
