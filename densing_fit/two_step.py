"""The two-step ruler of Xiao et al. (2024): loss from size and data, then score from loss.

Step 1 (:class:`LossLaw`) fits the conditional loss of well-trained reference models,
``L(N, D) = a N^-alpha + b D^-beta``, in log space. Step 2 (:class:`LossToScore`) fits
``S = c / (1 + exp(-gamma (L - l))) + d`` on loss/score pairs (the paper uses intermediate
checkpoints as well as well-trained models). :class:`TwoStepRuler` chains them and inverts:
a score gives a loss through step 2, and the loss gives N̂ through step 1 at ``D = d0_tokens``
(1T tokens in the paper's arXiv version; 5T in the journal version).
"""

from __future__ import annotations

import itertools

import numpy as np

from densing_fit.curves import (
    D_SCALE,
    N_SCALE,
    conditional_loss,
    loss_from_score,
    loss_jacobian,
    loss_ln_n,
    loss_residuals,
    score_from_loss,
    sigmoid_jacobian,
    sigmoid_residuals,
    unscale_loss_params,
)
from densing_fit.effective import EffectiveSizes, RulerReadout, reach_of, read_off
from densing_fit.errors import FitError, check_is_fitted
from densing_fit.optimize import fit_curve, r_squared, rmse

LOSS_FORMULA = "L = a * N^-alpha + b * D^-beta"
SCORE_FORMULA = "S = c / (1 + exp(-gamma * (L - l))) + d"


def _arrays(name: str, **columns: object) -> dict[str, np.ndarray]:
    arrays = {key: np.asarray(value, dtype=float).ravel() for key, value in columns.items()}
    sizes = {key: a.size for key, a in arrays.items()}
    if len(set(sizes.values())) != 1:
        raise FitError(f"{name}: inputs differ in length {sizes}; give one value per reference point")
    for key, array in arrays.items():
        if not np.all(np.isfinite(array)) or np.any(array <= 0):
            bad = array[~np.isfinite(array) | (array <= 0)][:5].tolist()
            raise FitError(f"{name}: {key} must be finite and positive, got {bad}")
    return arrays


class LossLaw:
    """Step 1: conditional loss ``L(N, D) = a N^-alpha + b D^-beta`` fitted in log space."""

    def __init__(self, *, min_points: int = 5, name: str = "loss law") -> None:
        self.min_points = min_points
        self.name = name

    def fit(self, params: object, tokens: object, losses: object) -> LossLaw:
        """Fit on reference sizes N, training tokens D and conditional losses L; return ``self``."""
        data = _arrays(self.name, params=params, tokens=tokens, losses=losses)
        n, d, loss = data["params"], data["tokens"], data["losses"]
        if n.size < self.min_points:
            raise FitError(
                f"{self.name}: {n.size} well-trained reference points, expected at least {self.min_points}"
            )
        if np.unique(n).size < 2 or np.unique(d).size < 2:
            raise FitError(
                f"{self.name}: needs at least two distinct sizes and two distinct token counts to separate "
                f"N from D, got sizes {np.unique(n).tolist()} and tokens {np.unique(d).tolist()}"
            )
        ns, ds = n / N_SCALE, d / D_SCALE
        level = float(np.log(np.median(loss) / 2))
        starts = [(level, a, level, b) for a, b in itertools.product((0.1, 0.3, 0.7), (0.1, 0.3, 0.7))]
        bounds = ([-30.0, 1e-4, -30.0, 1e-4], [30.0, 3.0, 30.0, 3.0])
        result = fit_curve(loss_residuals, starts, bounds, (ns, ds, loss), self.name, jac=loss_jacobian)
        self.theta_ = result.theta
        self.cov_ = result.cov
        a, alpha, b, beta = unscale_loss_params(result.theta)
        se = result.stderr
        self.params_ = {"a": a, "alpha": alpha, "b": b, "beta": beta}
        self.stderr_ = {
            "a": a * float(se[0]),
            "alpha": float(se[1]),
            "b": b * float(se[2]),
            "beta": float(se[3]),
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
        p = self.params_
        return conditional_loss(params, tokens, p["a"], p["alpha"], p["b"], p["beta"])


class LossToScore:
    """Step 2: score from loss, ``S = c / (1 + exp(-gamma (L - l))) + d`` with ``gamma < 0``."""

    def __init__(
        self, *, maximum: float = 100.0, min_points: int = 5, name: str = "loss-to-score curve"
    ) -> None:
        self.maximum = maximum
        self.min_points = min_points
        self.name = name

    def fit(self, losses: object, scores: object) -> LossToScore:
        """Fit on loss/score pairs; return ``self``."""
        loss = _arrays(self.name, losses=losses)["losses"]
        s = np.asarray(scores, dtype=float).ravel()
        if s.shape != loss.shape or not np.all(np.isfinite(s)) or np.any((s < 0) | (s > self.maximum)):
            raise FitError(
                f"{self.name}: need one score in [0, {self.maximum}] per loss, got {s[:5].tolist()}..."
            )
        if loss.size < self.min_points:
            raise FitError(f"{self.name}: {loss.size} loss/score pairs, expected at least {self.min_points}")
        span = float(loss.max() - loss.min())
        if span <= 0:
            raise FitError(f"{self.name}: every loss equals {loss[0]}; the curve needs a range of losses")
        low, high = float(s.min()), float(s.max())
        starts = list(
            itertools.product(
                (max(high - low, 1e-3), self.maximum - low),
                (-2.0 / span, -8.0 / span),
                np.quantile(loss, [0.25, 0.5, 0.75]).tolist(),
                (low,),
            )
        )
        bounds = (
            [1e-6, -1e4 / span, float(loss.min()) - 10 * span, 0.0],
            [self.maximum, -1e-6 / span, float(loss.max()) + 10 * span, self.maximum],
        )
        result = fit_curve(sigmoid_residuals, starts, bounds, (loss, s), self.name, jac=sigmoid_jacobian)
        self.theta_ = result.theta
        self.cov_ = result.cov
        names = ("c", "gamma", "l", "d")
        self.params_ = dict(zip(names, (float(v) for v in result.theta), strict=True))
        self.stderr_ = dict(zip(names, (float(v) for v in result.stderr), strict=True))
        fitted = self.predict(loss)
        self.r2_ = r_squared(s, fitted)
        self.rmse_ = rmse(s, fitted)
        self.n_points_ = int(loss.size)
        self.fitted_ = fitted
        return self

    def predict(self, losses: object) -> np.ndarray:
        """Score at conditional loss ``losses``."""
        check_is_fitted(self, "theta_")
        return score_from_loss(losses, *self.theta_)


class TwoStepRuler(RulerReadout):
    """Loss law and loss-to-score curve chained; N̂ read off at ``d0_tokens``.

    Parameters (keyword only): floor and maximum of the benchmark (percent); d0_tokens (D used for
    the effective size; 1e12 as in the paper's arXiv version); max_extrapolation (reach beyond the
    reference sizes); score_points ("all": step 2 on every point with loss and score, as the paper
    does with intermediate checkpoints; "final": well-trained points only); name (for messages).
    """

    def __init__(
        self,
        *,
        floor: float = 0.0,
        maximum: float = 100.0,
        d0_tokens: float = 1e12,
        max_extrapolation: float = 1000.0,
        score_points: str = "all",
        name: str = "two-step ruler",
    ) -> None:
        self.floor = floor
        self.maximum = maximum
        self.d0_tokens = d0_tokens
        self.max_extrapolation = max_extrapolation
        self.score_points = score_points
        self.name = name

    def fit(
        self, params: object, tokens: object, losses: object, scores: object, final: object
    ) -> TwoStepRuler:
        """Fit on reference points (N, D, loss, score, well-trained?); ``nan`` marks a missing loss or score.

        Step 1 uses well-trained points with a loss; step 2 uses points with both a loss and a score
        (all of them, or only well-trained ones when ``score_points="final"``). Returns ``self``.
        """
        if self.score_points not in ("all", "final"):
            raise ValueError(f"{self.name}: score_points must be 'all' or 'final', got {self.score_points!r}")
        n, d = np.asarray(params, dtype=float), np.asarray(tokens, dtype=float)
        loss, s = np.asarray(losses, dtype=float), np.asarray(scores, dtype=float)
        is_final = np.asarray(final, dtype=bool)
        step1 = is_final & np.isfinite(loss)
        step2 = np.isfinite(loss) & np.isfinite(s) & (is_final if self.score_points == "final" else True)
        self.loss_law_ = LossLaw(name=f"{self.name}, step 1").fit(n[step1], d[step1], loss[step1])
        self.score_curve_ = LossToScore(maximum=self.maximum, name=f"{self.name}, step 2").fit(
            loss[step2], s[step2]
        )
        self.theta_ = np.concatenate([self.loss_law_.theta_, self.score_curve_.theta_])
        self.cov_ = _block_diag(self.loss_law_.cov_, self.score_curve_.cov_)
        self.params_ = {**self.loss_law_.params_, **self.score_curve_.params_}
        self.stderr_ = {**self.loss_law_.stderr_, **self.score_curve_.stderr_}
        self.r2_ = self.score_curve_.r2_
        self.rmse_ = self.score_curve_.rmse_
        self.n_points_ = int(step1.sum() + step2.sum())
        self.reach_ = reach_of(n[step1], self.max_extrapolation)
        return self

    def predict(self, params: object, tokens: object | None = None) -> np.ndarray:
        """Chained score of a reference model of size N trained on D tokens (default ``d0_tokens``)."""
        check_is_fitted(self, "theta_")
        n = np.atleast_1d(np.asarray(params, dtype=float))
        d = np.full(n.shape, self.d0_tokens) if tokens is None else np.asarray(tokens, dtype=float)
        return self.score_curve_.predict(self.loss_law_.predict(n, d))

    def effective_params_batch(self, scores: object) -> EffectiveSizes:
        """Effective sizes (values, flags, standard errors) of many ``scores`` at ``d0_tokens``."""
        check_is_fitted(self, "theta_")
        s = np.atleast_1d(np.asarray(scores, dtype=float))
        if not np.all(np.isfinite(s)):
            raise ValueError(f"{self.name}: scores must be finite numbers, got {s.tolist()}")
        d0 = float(self.d0_tokens)

        def ln_n_of(theta: np.ndarray) -> np.ndarray:
            a, alpha, b, beta = unscale_loss_params(theta[:4])
            return loss_ln_n(loss_from_score(s, *theta[4:]), d0, a, alpha, b, beta)

        below = (s <= self.floor) | (s <= self.score_curve_.params_["d"])
        return read_off(ln_n_of, self.theta_, self.cov_, below, self.reach_)


def _block_diag(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    out = np.zeros((first.shape[0] + second.shape[0],) * 2)
    out[: first.shape[0], : first.shape[0]] = first
    out[first.shape[0] :, first.shape[0] :] = second
    return out
