"""Effective sizes read off a ruler: a value, a flag, and an interval — never NaN or infinity.

A score the ruler cannot place gives a *bound*, flagged:

- ``below_ruler``: the score is at or below the benchmark's floor (or the ruler's lower asymptote),
  or maps below the ruler's reach; the value is the lower edge of the reach and N̂ is *at most* that.
- ``above_ruler``: the score is at or above the ruler's upper asymptote, or maps beyond its reach;
  the value is the upper edge of the reach and N̂ is *at least* that.

The reach of a ruler is ``[N_min / x, N_max * x]`` where ``N_min``, ``N_max`` are the smallest and
largest reference models and ``x`` the ruler's ``max_extrapolation``.

A reading outside the reference range ``[N_min, N_max]`` but inside the reach is an *extrapolation*
by a factor ``f`` (``N̂ / N_max`` above, ``N_min / N̂`` below). Its interval carries, besides the
ruler's parameter uncertainty, the error that extrapolating this ruler was measured to make
(:mod:`densing_fit.rulers.backtest`): a standard deviation of ``kappa * ln f`` in ln N̂, added in quadrature.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from densing_fit.errors import check_is_fitted
from densing_fit.rulers.optimize import Z_90, delta_method_se

BELOW = "below_ruler"
"""Flag: the score is too low for the ruler; the value is an upper bound."""
ABOVE = "above_ruler"
"""Flag: the score is too high for the ruler; the value is a lower bound."""
EXACT = ""
"""Flag of a value read off the ruler inside its reach."""


@dataclass(frozen=True)
class EffectiveSize:
    """The effective size N̂ of one score on one ruler."""

    value: float
    """N̂ in parameters; for a bound, the edge of the ruler's reach."""
    flag: str
    """``""`` (exact), ``"below_ruler"`` (N̂ ≤ value) or ``"above_ruler"`` (N̂ ≥ value)."""
    low: float | None
    """Lower end of the 90% interval from the ruler's parameter uncertainty (None for a bound)."""
    high: float | None
    """Upper end of that interval (None for a bound)."""


@dataclass(frozen=True)
class EffectiveSizes:
    """Effective sizes of many scores: arrays aligned with the scores given."""

    value: np.ndarray
    """N̂ (or the bound), always finite and positive."""
    flag: np.ndarray
    """Object array of flags (see :class:`EffectiveSize`)."""
    se_log: np.ndarray
    """Standard error of ln N̂ from the ruler's parameters (and its extrapolation error); 0 for bounds."""
    extrapolation: np.ndarray | None = None
    """Factor ``f ≥ 1`` by which each reading lies outside the reference range (1 inside it, and
    for bounds); None where the ruler does not say."""
    chained: np.ndarray | None = None
    """True where a chained ruler read the score on its upper rung (:mod:`densing_fit.rulers.chain`)."""

    def item(self, index: int) -> EffectiveSize:
        """One element as an :class:`EffectiveSize` with its 90% interval."""
        value = float(self.value[index])
        flag = str(self.flag[index])
        if flag != EXACT:
            return EffectiveSize(value=value, flag=flag, low=None, high=None)
        spread = float(np.exp(Z_90 * self.se_log[index]))
        return EffectiveSize(value=value, flag=flag, low=value / spread, high=value * spread)


@dataclass(frozen=True)
class Extrapolation:
    """How far a ruler's readings may be trusted outside its reference sizes."""

    reference_range: tuple[float, float]
    """Smallest and largest reference size (N) the ruler was fitted on."""
    sd_per_ln_factor: float = 0.0
    """kappa: standard deviation of ln N̂ per unit of ln(extrapolation factor), from the back-test."""

    def factor(self, ln_n: np.ndarray) -> np.ndarray:
        """Extrapolation factor (≥ 1) of readings at ``ln_n``."""
        low, high = np.log(self.reference_range[0]), np.log(self.reference_range[1])
        return np.exp(np.maximum(0.0, np.maximum(ln_n - high, low - ln_n)))

    def sd(self, ln_n: np.ndarray) -> np.ndarray:
        """Extrapolation standard deviation of ln N̂ at ``ln_n``: ``kappa * ln(factor)``."""
        return self.sd_per_ln_factor * np.log(self.factor(ln_n))


def read_off(
    ln_n_of: Callable[[np.ndarray], np.ndarray],
    theta: np.ndarray,
    cov: np.ndarray,
    below: np.ndarray,
    reach: tuple[float, float],
    extrapolation: Extrapolation | None = None,
) -> EffectiveSizes:
    """Effective sizes from ``ln_n_of(theta)`` (ln N̂ per score, ``nan`` where undefined).

    ``below`` marks scores known to be too low (at or below the floor or lower asymptote): they are
    bounds whatever ``ln_n_of`` gives; other undefined values are too high. Values outside ``reach``
    are clipped to it and flagged. With ``extrapolation``, an exact reading outside the reference
    range carries its extrapolation error in ``se_log``.
    """
    ln_lo, ln_hi = np.log(reach[0]), np.log(reach[1])
    ln_n = np.asarray(ln_n_of(theta), dtype=float)
    defined = np.isfinite(ln_n)
    flag = np.full(ln_n.shape, EXACT, dtype=object)
    too_low = below | (defined & (ln_n < ln_lo))
    too_high = ~too_low & (~defined | (ln_n > ln_hi))
    flag[too_low] = BELOW
    flag[too_high] = ABOVE
    value = np.where(too_low, ln_lo, np.where(too_high, ln_hi, ln_n))
    se = np.zeros(ln_n.shape)
    exact = flag == EXACT
    if exact.any():
        se_all = delta_method_se(lambda t: _finite(ln_n_of(t)), theta, cov)
        se[exact] = se_all[exact]
    se = np.where(np.isfinite(se), se, 0.0)
    factor = None
    if extrapolation is not None:
        factor = np.where(exact, extrapolation.factor(value), 1.0)
        se = np.where(exact, np.sqrt(se**2 + extrapolation.sd(value) ** 2), se)
    return EffectiveSizes(value=np.exp(value), flag=flag, se_log=se, extrapolation=factor)


def _finite(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    return np.where(np.isfinite(values), values, 0.0)


def reach_of(params: np.ndarray, max_extrapolation: float) -> tuple[float, float]:
    """``(N_min / x, N_max * x)`` for reference sizes ``params`` and extrapolation factor ``x``."""
    params = np.asarray(params, dtype=float)
    return float(params.min() / max_extrapolation), float(params.max() * max_extrapolation)


class RulerReadout:
    """What every fitted ruler offers on top of ``predict(params)`` and ``effective_params_batch``:
    one score's effective size, and its curve over the reach for plotting (needs ``theta_`` and
    ``reach_``)."""

    reach_: tuple[float, float]
    reference_range_: tuple[float, float]
    extrapolation_sd_per_ln_: float = 0.0
    """kappa of :class:`Extrapolation`; 0 until :meth:`set_extrapolation_error` is called."""

    def set_extrapolation_error(self, sd_per_ln_factor: float) -> RulerReadout:
        """Carry the back-tested extrapolation error (``kappa``, see :mod:`densing_fit.rulers.backtest`) in
        every reading outside the reference range from now on; returns ``self``."""
        if not np.isfinite(sd_per_ln_factor) or sd_per_ln_factor < 0:
            raise ValueError(f"extrapolation error must be a finite number ≥ 0, got {sd_per_ln_factor}")
        self.extrapolation_sd_per_ln_ = float(sd_per_ln_factor)
        return self

    def extrapolation(self) -> Extrapolation:
        """The ruler's reference range and extrapolation error, as :func:`read_off` takes them."""
        check_is_fitted(self, "reference_range_")
        return Extrapolation(self.reference_range_, self.extrapolation_sd_per_ln_)

    def effective_params(self, score: float) -> EffectiveSize:
        """Effective size of one ``score``: value, flag and 90% interval."""
        return self.effective_params_batch([score]).item(0)  # type: ignore[attr-defined]

    def curve(self, n_points: int = 60) -> list[dict[str, float]]:
        """Log-spaced points ``{"params", "score"}`` over the ruler's reach, for plotting."""
        check_is_fitted(self, "theta_")
        grid = np.geomspace(self.reach_[0], self.reach_[1], n_points)
        scores = self.predict(grid)  # type: ignore[attr-defined]
        return [{"params": float(n), "score": float(s)} for n, s in zip(grid, scores, strict=True)]
