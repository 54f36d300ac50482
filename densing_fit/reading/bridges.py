"""Bridges: a declared, measured conversion of scores from one protocol to another on one benchmark.

A track reads scores of its own protocol only. It may *declare* a bridge from another protocol (on
the same benchmark, or from the same task under another formulation and benchmark id):
a straight line ``S_track = a + b · S_other`` fitted by least squares on the models measured under
both. A converted score carries the line's prediction error (residual scatter plus the uncertainty
of ``a`` and ``b`` at that score), and that error goes into the reading's interval. A bridge with
fewer than :data:`MIN_PAIRS` models measured both ways is not fitted, and its scores are not read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from densing_fit.errors import FitError, check_is_fitted

MIN_PAIRS = 5
"""Fewest models measured under both protocols for a bridge to be fitted."""


@dataclass(frozen=True)
class BridgeSpec:
    """A bridge a track declares: scores of ``source`` on ``benchmark`` may enter, converted."""

    benchmark: str
    """Benchmark id of the track the converted scores enter as."""
    source: str
    """Protocol family id (see :mod:`densing_fit.reading.protocols`) or exact slug of the converted scores."""
    why: str = ""
    """Why the bridge is declared, in plain words."""
    source_benchmark: str | None = None
    """Benchmark id of the converted scores when it differs from ``benchmark`` (the same task under
    another formulation, e.g. ``hellaswag`` 10-shot into ``hellaswag-rc``); None: the same id."""

    @property
    def from_benchmark(self) -> str:
        """The benchmark id the converted scores are recorded under."""
        return self.source_benchmark or self.benchmark


class Bridge:
    """A fitted straight line from ``source`` scores to the track's scores on one benchmark."""

    def __init__(self, spec: BridgeSpec) -> None:
        self.spec = spec

    def fit(self, source_scores: object, track_scores: object) -> Bridge:
        """Fit on pairs of one model's score under the source protocol and under the track's."""
        x = np.asarray(source_scores, dtype=float).ravel()
        y = np.asarray(track_scores, dtype=float).ravel()
        label = f"bridge {self.spec.source!r} {self.spec.from_benchmark} -> track's {self.spec.benchmark}"
        if x.size != y.size:
            raise FitError(f"{label}: {x.size} source scores but {y.size} track scores")
        if x.size < MIN_PAIRS:
            raise FitError(
                f"{label}: {x.size} models measured under both protocols, expected at least {MIN_PAIRS}"
            )
        sxx = float(np.sum((x - x.mean()) ** 2))
        if sxx <= 0:
            raise FitError(f"{label}: every source score is the same; the line cannot be fitted")
        slope = float(np.sum((x - x.mean()) * (y - y.mean())) / sxx)
        intercept = float(y.mean() - slope * x.mean())
        residuals = y - (intercept + slope * x)
        self.slope_, self.intercept_ = slope, intercept
        self.residual_sd_ = float(np.sqrt(np.sum(residuals**2) / (x.size - 2)))
        self.n_pairs_ = int(x.size)
        self._x_mean, self._sxx = float(x.mean()), sxx
        return self

    @classmethod
    def from_summary(cls, spec: BridgeSpec, summary: Mapping[str, Any]) -> Bridge:
        """The fitted bridge that :meth:`summary` described (its line and the terms of its prediction
        error), so another model's scores can be converted without the calibration pairs."""
        bridge = cls(spec)
        try:
            bridge.slope_, bridge.intercept_ = float(summary["slope"]), float(summary["intercept"])
            bridge.residual_sd_, bridge.n_pairs_ = float(summary["residual_sd"]), int(summary["n_pairs"])
            bridge._x_mean, bridge._sxx = float(summary["x_mean"]), float(summary["sxx"])
        except (KeyError, TypeError, ValueError) as err:
            raise FitError(
                f"bridge into {spec.benchmark}: its summary lacks a fitted line ({err!r}); expected slope, "
                "intercept, residual_sd, n_pairs, x_mean and sxx as Bridge.summary() writes them"
            ) from None
        return bridge

    def convert(self, source_scores: object) -> tuple[np.ndarray, np.ndarray]:
        """Converted scores and the standard deviation of each (prediction error of the line)."""
        check_is_fitted(self, "slope_")
        x = np.atleast_1d(np.asarray(source_scores, dtype=float))
        spread = 1.0 + 1.0 / self.n_pairs_ + (x - self._x_mean) ** 2 / self._sxx
        return self.intercept_ + self.slope_ * x, self.residual_sd_ * np.sqrt(spread)

    def summary(self) -> dict[str, object]:
        """The bridge as a JSON-ready mapping (written into the track's ruler.json)."""
        check_is_fitted(self, "slope_")
        return {
            "benchmark": self.spec.benchmark,
            "source": self.spec.source,
            "source_benchmark": self.spec.from_benchmark,
            "why": self.spec.why,
            "slope": self.slope_,
            "intercept": self.intercept_,
            "residual_sd": self.residual_sd_,
            "n_pairs": self.n_pairs_,
            "x_mean": self._x_mean,
            "sxx": self._sxx,
        }
