"""Bounded least squares from several starting points, with the optimizer's status checked.

Every curve of the fitter goes through :func:`fit_curve`: it runs
:func:`scipy.optimize.least_squares` (trust-region reflective, box bounds) from each starting point,
keeps the lowest cost, and raises :class:`~densing_fit.errors.FitError` naming the curve and the
solver's message when no start converges. Standard errors come from the Jacobian at the optimum
(``cov = s² (JᵀJ)⁻¹`` with ``s² = RSS / (n - p)``). A fit whose exact inputs were fitted before is
taken from :mod:`densing_fit.rulers.fit_cache` instead of being run again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from densing_fit.errors import FitError
from densing_fit.rulers import fit_cache

if TYPE_CHECKING:
    from scipy.optimize import OptimizeResult

Z_90 = 1.6448536269514722
"""Two-sided 90% normal quantile, for intervals of effective sizes."""


@dataclass(frozen=True)
class CurveFit:
    """The outcome of one least-squares fit."""

    theta: np.ndarray
    """Parameters at the optimum, in the fit's internal parameterisation."""
    cov: np.ndarray
    """Covariance of ``theta`` from the Jacobian (``s² (JᵀJ)⁻¹``)."""
    rss: float
    """Residual sum of squares at the optimum."""
    n_points: int
    """Number of points fitted."""
    n_converged: int
    """Starting points from which the optimizer converged."""

    @property
    def stderr(self) -> np.ndarray:
        """Standard errors of ``theta`` (square roots of the covariance diagonal)."""
        return np.sqrt(np.clip(np.diag(self.cov), 0.0, None))


def fit_curve(
    residuals: Callable[..., np.ndarray],
    starts: Sequence[Sequence[float]],
    bounds: tuple[Sequence[float], Sequence[float]],
    args: tuple[object, ...],
    what: str,
    jac: Callable[..., np.ndarray] | None = None,
) -> CurveFit:
    """Minimise ``sum(residuals(theta, *args)**2)`` within ``bounds`` from each of ``starts``.

    ``what`` names the curve in error messages (e.g. "direct ruler 'qwen2.5-blog' on mmlu");
    ``jac`` is the residuals' Jacobian (same arguments), else finite differences are used.
    """
    lower = np.asarray(bounds[0], dtype=float)
    upper = np.asarray(bounds[1], dtype=float)
    x0s = [np.asarray(start, dtype=float) for start in starts]
    key = fit_cache.fit_key((residuals, jac), x0s, lower, upper, args)
    known = fit_cache.recall(key)
    if known is not None:
        return CurveFit(**known)
    fitted = _fit_from_starts(residuals, x0s, (lower, upper), args, what, jac)
    fit_cache.store(key, dataclasses.asdict(fitted))
    return fitted


def _fit_from_starts(
    residuals: Callable[..., np.ndarray],
    starts: list[np.ndarray],
    bounds: tuple[np.ndarray, np.ndarray],
    args: tuple[object, ...],
    what: str,
    jac: Callable[..., np.ndarray] | None,
) -> CurveFit:
    # imported here: with every fit reused from the cache, densing fit never loads scipy.optimize (0.15 s)
    from scipy.optimize import least_squares

    lower, upper = bounds
    best: OptimizeResult | None = None
    failures: list[str] = []
    converged = 0
    for start in starts:
        x0 = _inside(start, lower, upper)
        try:
            result = least_squares(
                residuals,
                x0,
                jac=jac if jac is not None else "2-point",
                bounds=(lower, upper),
                args=args,
                method="trf",
                x_scale="jac",
                ftol=1e-12,
                xtol=1e-12,
                gtol=1e-12,
                max_nfev=1000,
            )
        except ValueError as err:  # scipy refuses non-finite residuals at the starting point
            failures.append(str(err))
            continue
        if not result.success or not np.all(np.isfinite(result.fun)):
            failures.append(str(result.message))
            continue
        converged += 1
        if best is None or result.cost < best.cost * (1 - 1e-12) - 1e-15:
            best = result
    if best is None:
        reason = failures[0] if failures else "no starting point given"
        raise FitError(
            f"{what}: the optimizer did not converge from any of {len(starts)} starting points "
            f"(solver: {reason}); check the points for outliers or too narrow a range"
        )
    return _summarise(best, converged)


def _inside(x0: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    span = np.where(np.isfinite(upper - lower), upper - lower, 1.0)
    return np.clip(x0, lower + 1e-9 * span, upper - 1e-9 * span)


def _summarise(result: OptimizeResult, converged: int) -> CurveFit:
    jac = np.asarray(result.jac, dtype=float)
    n, p = jac.shape
    rss = float(2.0 * result.cost)
    dof = max(n - p, 1)
    cov = np.linalg.pinv(jac.T @ jac) * (rss / dof)
    return CurveFit(
        theta=np.asarray(result.x, dtype=float), cov=cov, rss=rss, n_points=n, n_converged=converged
    )


def r_squared(observed: np.ndarray, fitted: np.ndarray) -> float:
    """Coefficient of determination of ``fitted`` against ``observed`` (1 - RSS/TSS)."""
    observed = np.asarray(observed, dtype=float)
    tss = float(np.sum((observed - observed.mean()) ** 2))
    rss = float(np.sum((observed - np.asarray(fitted, dtype=float)) ** 2))
    return 1.0 - rss / tss if tss > 0 else 0.0


def rmse(observed: np.ndarray, fitted: np.ndarray) -> float:
    """Root-mean-square error of ``fitted`` against ``observed``."""
    diff = np.asarray(observed, dtype=float) - np.asarray(fitted, dtype=float)
    return float(np.sqrt(np.mean(diff**2)))


def delta_method_se(
    func: Callable[[np.ndarray], np.ndarray], theta: np.ndarray, cov: np.ndarray
) -> np.ndarray:
    """Standard error of ``func(theta)`` (vector valued) by the delta method, central differences."""
    theta = np.asarray(theta, dtype=float)
    base = np.asarray(func(theta), dtype=float)
    grads = np.empty((theta.size, base.size))
    for i in range(theta.size):
        step = 1e-6 * max(abs(theta[i]), 1e-3)
        up, down = theta.copy(), theta.copy()
        up[i] += step
        down[i] -= step
        grads[i] = (np.asarray(func(up), dtype=float) - np.asarray(func(down), dtype=float)) / (2 * step)
    var = np.einsum("ik,ij,jk->k", grads, cov, grads)
    return np.sqrt(np.clip(var, 0.0, None))
