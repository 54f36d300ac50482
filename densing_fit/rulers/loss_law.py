"""Step 1 of the two-step ruler: the conditional loss of a reference model from its size and data.

``L(N, D) = a N^-alpha + b D^-beta + E`` fitted by least squares in log space (residuals
``ln L_fitted - ln L_observed``). ``E`` is the irreducible loss of the OLMo ladder's step 1
(Bhagia et al. 2024, arXiv 2412.04403, eq. 1: ``A/N^alpha + B/D^beta + E``); with
``irreducible=False`` it is held at 0, which is the densing paper's form (Xiao et al. 2024).

Internally N is divided by :data:`~densing_fit.rulers.curves.N_SCALE` and D by
:data:`~densing_fit.rulers.curves.D_SCALE`, and ``a``, ``b`` are fitted as logarithms; the parameter
vector is ``(ln a', alpha, ln b', beta[, E])``.
"""

from __future__ import annotations

import itertools

import numpy as np

from densing_fit.errors import FitError, check_is_fitted
from densing_fit.rulers.curves import D_SCALE, N_SCALE, unscale_loss_params
from densing_fit.rulers.optimize import fit_curve, r_squared, rmse

LOSS_FORMULA = "L = a * N^-alpha + b * D^-beta + E"
"""The step-1 formula (``E = 0`` when the law is fitted without an irreducible term)."""


def positive_arrays(name: str, **columns: object) -> dict[str, np.ndarray]:
    """The columns as flat float arrays of one length, all finite and positive (else FitError)."""
    arrays = {key: np.asarray(value, dtype=float).ravel() for key, value in columns.items()}
    sizes = {key: a.size for key, a in arrays.items()}
    if len(set(sizes.values())) != 1:
        raise FitError(f"{name}: inputs differ in length {sizes}; give one value per reference point")
    for key, array in arrays.items():
        if not np.all(np.isfinite(array)) or np.any(array <= 0):
            bad = array[~np.isfinite(array) | (array <= 0)][:5].tolist()
            raise FitError(f"{name}: {key} must be finite and positive, got {bad}")
    return arrays


def law_log_loss(theta: np.ndarray, n_scaled: np.ndarray, d_scaled: np.ndarray) -> np.ndarray:
    """ln L for the internal parameters ``(ln a', alpha, ln b', beta[, E])``."""
    first = theta[0] - theta[1] * np.log(n_scaled)
    second = theta[2] - theta[3] * np.log(d_scaled)
    if len(theta) == 4:
        return np.logaddexp(first, second)
    return log_sum_exp3(first, second, float(np.log(max(float(theta[4]), 1e-300))))


def log_sum_exp3(first: np.ndarray, second: np.ndarray, third: float) -> np.ndarray:
    """``ln(e^first + e^second + e^third)`` elementwise, without overflow.

    The same operations, in the same order, as :func:`scipy.special.logsumexp` over the three
    stacked terms (the largest term, or the tied largest ones, taken out of the sum and added back
    as ``ln(count) + max``), so the value is bit for bit the same, at a fraction of the cost of the
    general function's array-API dispatch: the loss-law fit evaluates it tens of thousands of times.
    """
    top = np.maximum(np.maximum(first, second), third)
    ties = (first == top, second == top, third == top)
    count = (np.asarray(ties[0], dtype=float) + ties[1]) + ties[2]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        rest = (
            np.exp(np.where(ties[0], -np.inf, first) - top) + np.exp(np.where(ties[1], -np.inf, second) - top)
        ) + np.exp(np.where(ties[2], -np.inf, third) - top)
        rest = np.where(rest == 0, rest, rest / count)
        out = np.log1p(rest) + np.log(count) + top
        finite = np.isfinite(out)
        if np.all(finite):
            return out
        return np.where(finite, out, np.log((np.exp(first) + np.exp(second)) + np.exp(third)))


def law_residuals(
    theta: np.ndarray, n_scaled: np.ndarray, d_scaled: np.ndarray, loss: np.ndarray
) -> np.ndarray:
    """Residuals in log space, ``ln L_fitted - ln L_observed``."""
    return law_log_loss(theta, n_scaled, d_scaled) - np.log(loss)


def law_jacobian(
    theta: np.ndarray, n_scaled: np.ndarray, d_scaled: np.ndarray, loss: np.ndarray
) -> np.ndarray:
    """Jacobian of :func:`law_residuals` with respect to the internal parameters.

    Each term's share of the loss: ``d ln L / d ln a' = a' N^-alpha / L``, ``d ln L / d alpha =
    -ln N`` times that, the same for ``b'`` and ``beta`` with D, and ``d ln L / d E = 1 / L``.
    """
    ln_n, ln_d = np.log(n_scaled), np.log(d_scaled)
    first = theta[0] - theta[1] * ln_n
    second = theta[2] - theta[3] * ln_d
    if len(theta) == 4:
        total = np.exp(np.logaddexp(first, second))
    else:
        total = np.exp(log_sum_exp3(first, second, float(np.log(max(float(theta[4]), 1e-300)))))
    out = np.empty((total.size, len(theta)))
    out[:, 0] = np.exp(first) / total
    out[:, 1] = -out[:, 0] * ln_n
    out[:, 2] = np.exp(second) / total
    out[:, 3] = -out[:, 2] * ln_d
    if len(theta) == 5:
        out[:, 4] = 1.0 / total
    return out


def law_ln_n(loss: np.ndarray, d: float, theta: np.ndarray) -> np.ndarray:
    """ln N at which ``L(N, d)`` equals ``loss``; ``nan`` when ``loss <= b d^-beta + E`` (no finite N)."""
    a, alpha, b, beta = unscale_loss_params(theta[:4])
    floor = b * float(d) ** (-beta) + (float(theta[4]) if len(theta) == 5 else 0.0)
    rest = np.asarray(loss, dtype=float) - floor
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(rest > 0, (np.log(a) - np.log(np.where(rest > 0, rest, 1.0))) / alpha, np.nan)


class LossLaw:
    """Step 1: conditional loss ``L(N, D) = a N^-alpha + b D^-beta + E`` fitted in log space.

    ``irreducible=True`` (default) fits ``E >= 0`` as the OLMo ladder does; ``False`` holds it at 0.
    """

    def __init__(self, *, irreducible: bool = True, min_points: int = 5, name: str = "loss law") -> None:
        self.irreducible = irreducible
        self.min_points = min_points
        self.name = name

    def fit(self, params: object, tokens: object, losses: object) -> LossLaw:
        """Fit on reference sizes N, training tokens D and conditional losses L; return ``self``."""
        data = positive_arrays(self.name, params=params, tokens=tokens, losses=losses)
        n, d, loss = data["params"], data["tokens"], data["losses"]
        k = 5 if self.irreducible else 4
        if n.size < max(self.min_points, k + 1):
            raise FitError(
                f"{self.name}: {n.size} well-trained reference points, expected at least "
                f"{max(self.min_points, k + 1)}"
            )
        if np.unique(n).size < 2 or np.unique(d).size < 2:
            raise FitError(
                f"{self.name}: needs at least two distinct sizes and two distinct token counts to separate "
                f"N from D, got sizes {np.unique(n).tolist()} and tokens {np.unique(d).tolist()}"
            )
        ns, ds = n / N_SCALE, d / D_SCALE
        level = float(np.log(np.median(loss) / 2))
        lower, upper = [-30.0, 1e-4, -30.0, 1e-4], [30.0, 3.0, 30.0, 3.0]
        floors: tuple[float, ...] = ()
        if self.irreducible:
            lower.append(0.0)
            upper.append(0.999 * float(loss.min()))
            floors = (0.0, 0.3 * float(loss.min()), 0.6 * float(loss.min()))
        starts = [
            (level, a, level, b, *((e,) if self.irreducible else ()))
            for a, b in itertools.product((0.1, 0.3, 0.7), (0.1, 0.3, 0.7))
            for e in floors or (None,)
        ]
        result = fit_curve(law_residuals, starts, (lower, upper), (ns, ds, loss), self.name, jac=law_jacobian)
        self.theta_ = result.theta
        self.cov_ = result.cov
        a, alpha, b, beta = unscale_loss_params(result.theta[:4])
        se = result.stderr
        e = float(result.theta[4]) if self.irreducible else 0.0
        self.params_ = {"a": a, "alpha": alpha, "b": b, "beta": beta, "E": e}
        self.stderr_ = {
            "a": a * float(se[0]),
            "alpha": float(se[1]),
            "b": b * float(se[2]),
            "beta": float(se[3]),
            "E": float(se[4]) if self.irreducible else 0.0,
        }
        fitted = self.predict(n, d)
        self.r2_ = r_squared(np.log(loss), np.log(fitted))
        self.rmse_ = rmse(np.log(loss), np.log(fitted))
        self.n_points_ = int(n.size)
        self.fitted_ = fitted
        return self

    def predict(self, params: object, tokens: object) -> np.ndarray:
        """Conditional loss of a reference model of size N trained on D tokens."""
        check_is_fitted(self, "theta_")
        n = np.asarray(params, dtype=float) / N_SCALE
        d = np.asarray(tokens, dtype=float) / D_SCALE
        return np.exp(law_log_loss(self.theta_, n, d))

    def ln_n(self, losses: object, tokens: float, theta: np.ndarray | None = None) -> np.ndarray:
        """ln N of the reference model trained on ``tokens`` whose loss is ``losses`` (nan: none)."""
        check_is_fitted(self, "theta_")
        return law_ln_n(np.asarray(losses, dtype=float), tokens, self.theta_ if theta is None else theta)
