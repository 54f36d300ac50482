"""The curves of the two rulers and their inverses, as pure functions of arrays and parameters.

Direct ruler (score as a function of size, with the benchmark's random-guess floor ``f``)::

    S(N) = f + (top - f) / (1 + exp(-slope * (ln N - mid)))

Two-step ruler (Xiao et al. 2024, eqs. for loss and performance estimation)::

    L(N, D) = a * N^-alpha + b * D^-beta          (step 1: conditional loss)
    S(L)    = c / (1 + exp(-gamma * (L - l))) + d  (step 2: score from loss; gamma < 0)

Inverses return ``nan`` where the value has no preimage; callers turn that into a flagged bound.
The residual functions are the objectives handed to :func:`scipy.optimize.least_squares`.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

N_SCALE = 1e9
"""Sizes are divided by this inside the loss-law fit (conditioning); reported parameters are unscaled."""
D_SCALE = 1e12
"""Token counts are divided by this inside the loss-law fit."""


def direct_score(ln_n: np.ndarray, floor: float, top: float, slope: float, mid: float) -> np.ndarray:
    """Score of a reference model of size ``exp(ln_n)`` on the direct ruler."""
    return floor + (top - floor) * expit(slope * (np.asarray(ln_n, dtype=float) - mid))


def direct_ln_n(score: np.ndarray, floor: float, top: float, slope: float, mid: float) -> np.ndarray:
    """ln N of the reference model that scores ``score``; ``nan`` outside ``(floor, top)``."""
    s = np.asarray(score, dtype=float)
    inside = (s > floor) & (s < top)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(inside, (top - floor) / np.where(inside, s - floor, 1.0) - 1.0, np.nan)
        return np.where(inside, mid - np.log(ratio) / slope, np.nan)


def direct_residuals(theta: np.ndarray, ln_n: np.ndarray, score: np.ndarray, floor: float) -> np.ndarray:
    """Residuals (fitted - observed score) of the direct ruler; ``theta = (top, slope, mid)``."""
    top, slope, mid = theta
    return direct_score(ln_n, floor, top, slope, mid) - score


def conditional_loss(
    n: np.ndarray, d: np.ndarray, a: float, alpha: float, b: float, beta: float
) -> np.ndarray:
    """Conditional loss ``a N^-alpha + b D^-beta`` (step 1 of the two-step ruler)."""
    n = np.asarray(n, dtype=float)
    d = np.asarray(d, dtype=float)
    return a * n ** (-alpha) + b * d ** (-beta)


def loss_ln_n(loss: np.ndarray, d: float, a: float, alpha: float, b: float, beta: float) -> np.ndarray:
    """ln N at which ``L(N, d)`` equals ``loss``; ``nan`` when ``loss <= b d^-beta`` (no finite N)."""
    rest = np.asarray(loss, dtype=float) - b * float(d) ** (-beta)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(rest > 0, (np.log(a) - np.log(np.where(rest > 0, rest, 1.0))) / alpha, np.nan)


def scaled_log_loss(theta: np.ndarray, n_scaled: np.ndarray, d_scaled: np.ndarray) -> np.ndarray:
    """ln L in the fit's internal parameterisation ``theta = (ln a', alpha, ln b', beta)``."""
    ln_a, alpha, ln_b, beta = theta
    return np.logaddexp(ln_a - alpha * np.log(n_scaled), ln_b - beta * np.log(d_scaled))


def loss_residuals(
    theta: np.ndarray, n_scaled: np.ndarray, d_scaled: np.ndarray, loss: np.ndarray
) -> np.ndarray:
    """Residuals in log space, ``ln L_fitted - ln L_observed``, of step 1."""
    return scaled_log_loss(theta, n_scaled, d_scaled) - np.log(loss)


def unscale_loss_params(theta: np.ndarray) -> tuple[float, float, float, float]:
    """``(a, alpha, b, beta)`` for raw N and D from the internal ``(ln a', alpha, ln b', beta)``."""
    ln_a, alpha, ln_b, beta = (float(v) for v in theta)
    return (
        float(np.exp(ln_a + alpha * np.log(N_SCALE))),
        alpha,
        float(np.exp(ln_b + beta * np.log(D_SCALE))),
        beta,
    )


def score_from_loss(loss: np.ndarray, c: float, gamma: float, l: float, d: float) -> np.ndarray:  # noqa: E741
    """Step 2 of the two-step ruler: ``c / (1 + exp(-gamma (L - l))) + d``."""
    return c * expit(gamma * (np.asarray(loss, dtype=float) - l)) + d


def loss_from_score(score: np.ndarray, c: float, gamma: float, l: float, d: float) -> np.ndarray:  # noqa: E741
    """Loss at which step 2 gives ``score``; ``nan`` outside ``(d, c + d)``."""
    s = np.asarray(score, dtype=float)
    inside = (s > d) & (s < c + d)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(inside, c / np.where(inside, s - d, 1.0) - 1.0, np.nan)
        return np.where(inside, l - np.log(ratio) / gamma, np.nan)


def sigmoid_residuals(theta: np.ndarray, loss: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Residuals (fitted - observed score) of step 2; ``theta = (c, gamma, l, d)``."""
    c, gamma, l, d = theta  # noqa: E741
    return score_from_loss(loss, c, gamma, l, d) - score


def direct_jacobian(theta: np.ndarray, ln_n: np.ndarray, score: np.ndarray, floor: float) -> np.ndarray:
    """Jacobian of :func:`direct_residuals` with respect to ``(top, slope, mid)``."""
    top, slope, mid = theta
    sig = expit(slope * (ln_n - mid))
    dsig = (top - floor) * sig * (1.0 - sig)
    return np.column_stack([sig, dsig * (ln_n - mid), -dsig * slope])


def loss_jacobian(
    theta: np.ndarray, n_scaled: np.ndarray, d_scaled: np.ndarray, loss: np.ndarray
) -> np.ndarray:
    """Jacobian of :func:`loss_residuals` with respect to ``(ln a', alpha, ln b', beta)``."""
    ln_a, alpha, ln_b, beta = theta
    first = ln_a - alpha * np.log(n_scaled)
    share = expit(first - (ln_b - beta * np.log(d_scaled)))
    return np.column_stack([share, -share * np.log(n_scaled), 1.0 - share, -(1.0 - share) * np.log(d_scaled)])


def sigmoid_jacobian(theta: np.ndarray, loss: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Jacobian of :func:`sigmoid_residuals` with respect to ``(c, gamma, l, d)``."""
    c, gamma, l, _ = theta  # noqa: E741
    sig = expit(gamma * (loss - l))
    dsig = c * sig * (1.0 - sig)
    return np.column_stack([sig, dsig * (loss - l), -dsig * gamma, np.ones_like(loss)])
