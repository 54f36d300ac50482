"""The direct ruler: a bounded sigmoid S(N) in log size fitted on one same-protocol model family.

This is the paper's general definition of effective size, N̂ = f⁻¹(S), with f fitted directly on
reference models' scores instead of through a loss::

    S(N) = floor + (top - floor) / (1 + exp(-slope * (ln N - mid)))

``floor`` is the benchmark's random-guess score (fixed, not fitted); ``top`` (the upper asymptote,
at most the benchmark's maximum), ``slope`` (> 0) and ``mid`` (ln N at half height) are fitted by
bounded least squares in score space from a grid of starting points.
"""

from __future__ import annotations

import itertools

import numpy as np

from densing_fit.errors import FitError, check_is_fitted
from densing_fit.rulers.curves import direct_jacobian, direct_ln_n, direct_residuals, direct_score
from densing_fit.rulers.effective import EffectiveSizes, RulerReadout, reach_of, read_off
from densing_fit.rulers.optimize import fit_curve, r_squared, rmse

PARAM_NAMES = ("top", "slope", "mid")
FORMULA = "S = floor + (top - floor) / (1 + exp(-slope * (ln N - mid)))"


def _as_positive_array(values: object, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim != 1:
        raise FitError(f"{name} must be one-dimensional, got shape {array.shape}")
    if not np.all(np.isfinite(array)) or np.any(array <= 0):
        raise FitError(f"{name} must be finite and positive, got {array.tolist()}")
    return array


class DirectRuler(RulerReadout):
    """Score as a sigmoid of ln N with the benchmark's floor; inverted to give effective sizes.

    Parameters (keyword only, stored as given):
    floor, maximum: the benchmark's random-guess score and its maximum, in percent.
    min_points: fewest reference models accepted (the issue asks for 5 or more).
    min_span: smallest ratio of largest to smallest reference size accepted (100 = two orders).
    max_extrapolation: the reach extends this factor beyond the smallest and largest reference sizes.
    name: how error messages name this ruler (e.g. "direct ruler 'qwen2.5-blog' on mmlu").
    """

    def __init__(
        self,
        *,
        floor: float = 0.0,
        maximum: float = 100.0,
        min_points: int = 5,
        min_span: float = 100.0,
        max_extrapolation: float = 10.0,
        name: str = "direct ruler",
    ) -> None:
        self.floor = floor
        self.maximum = maximum
        self.min_points = min_points
        self.min_span = min_span
        self.max_extrapolation = max_extrapolation
        self.name = name

    def fit(self, params: object, scores: object) -> DirectRuler:
        """Fit on reference sizes ``params`` (N) and their ``scores`` (percent); return ``self``."""
        n = _as_positive_array(params, f"{self.name}: params")
        s = np.asarray(scores, dtype=float)
        self._check_points(n, s)
        ln_n = np.log(n)
        starts = self._starts(ln_n, s)
        bounds = (
            [self.floor + 1e-6 * (self.maximum - self.floor), 1e-3, ln_n.min() - 20.0],
            [self.maximum, 50.0, ln_n.max() + 20.0],
        )
        result = fit_curve(
            direct_residuals, starts, bounds, (ln_n, s, self.floor), self.name, jac=direct_jacobian
        )
        fitted = direct_score(ln_n, self.floor, *result.theta)
        self.theta_ = result.theta
        self.cov_ = result.cov
        self.params_ = dict(zip(PARAM_NAMES, (float(v) for v in result.theta), strict=True))
        self.stderr_ = dict(zip(PARAM_NAMES, (float(v) for v in result.stderr), strict=True))
        self.r2_ = r_squared(s, fitted)
        self.rmse_ = rmse(s, fitted)
        self.n_points_ = int(n.size)
        self.reach_ = reach_of(n, self.max_extrapolation)
        self.reference_range_ = (float(n.min()), float(n.max()))
        self.fitted_ = fitted
        return self

    def _check_points(self, n: np.ndarray, s: np.ndarray) -> None:
        if s.shape != n.shape:
            raise FitError(f"{self.name}: {n.size} sizes but {s.size} scores; give one score per size")
        if not np.all(np.isfinite(s)) or np.any(s < 0) or np.any(s > self.maximum):
            raise FitError(f"{self.name}: scores must lie in [0, {self.maximum}], got {s.tolist()}")
        if n.size < self.min_points:
            raise FitError(
                f"{self.name}: {n.size} reference models, expected at least {self.min_points}; "
                "add more sizes of the family measured under the same protocol"
            )
        span = float(n.max() / n.min())
        if span < self.min_span:
            raise FitError(
                f"{self.name}: reference sizes span a factor {span:.3g}, expected at least "
                f"{self.min_span:g} (two orders of magnitude)"
            )
        if np.all(s <= self.floor):
            raise FitError(f"{self.name}: every reference score is at or below the floor {self.floor}")

    def _starts(self, ln_n: np.ndarray, s: np.ndarray) -> list[tuple[float, float, float]]:
        high = float(s.max())
        tops = sorted({min(high + 0.05 * (self.maximum - high), self.maximum), (high + self.maximum) / 2})
        slopes = (0.5, 2.0)
        mids = [*np.quantile(ln_n, [0.2, 0.8]).tolist(), float(ln_n.max()) + 2.0]
        return list(itertools.product(tops, slopes, mids))

    def predict(self, params: object) -> np.ndarray:
        """Scores the fitted ruler gives reference models of sizes ``params``."""
        check_is_fitted(self, "theta_")
        n = _as_positive_array(np.atleast_1d(params), f"{self.name}: params")
        return direct_score(np.log(n), self.floor, *self.theta_)

    def effective_params_batch(self, scores: object) -> EffectiveSizes:
        """Effective sizes (values, flags, standard errors) of many ``scores``."""
        check_is_fitted(self, "theta_")
        s = np.atleast_1d(np.asarray(scores, dtype=float))
        if not np.all(np.isfinite(s)):
            raise ValueError(f"{self.name}: scores must be finite numbers, got {s.tolist()}")

        def ln_n_of(theta: np.ndarray) -> np.ndarray:
            return direct_ln_n(s, self.floor, *theta)

        return read_off(ln_n_of, self.theta_, self.cov_, s <= self.floor, self.reach_, self.extrapolation())
