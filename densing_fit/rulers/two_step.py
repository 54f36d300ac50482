"""The two-step ruler of Xiao et al. (2024): loss from size and data, then score from loss.

Step 1 (:class:`~densing_fit.rulers.loss_law.LossLaw`) fits the conditional loss of well-trained reference
models, ``L(N, D) = a N^-alpha + b D^-beta + E``, in log space (``E``, the irreducible loss of the
OLMo ladder's step 1, may be held at 0 for the densing paper's own form). Step 2
(:class:`LossToScore`) fits ``S = c / (1 + exp(-gamma (L - l))) + d`` on loss/score pairs (the paper
uses intermediate checkpoints as well as well-trained models). :class:`TwoStepRuler` chains them
and inverts: a score gives a loss through step 2, and the loss gives N̂ through step 1 at
``D = d0_tokens`` (1T tokens in the paper's arXiv version; 5T in the journal version).
"""

from __future__ import annotations

import itertools

import numpy as np

from densing_fit.errors import FitError, check_is_fitted
from densing_fit.rulers.curves import (
    loss_from_score,
    score_from_loss,
    sigmoid_jacobian,
    sigmoid_residuals,
)
from densing_fit.rulers.effective import EffectiveSizes, RulerReadout, reach_of, read_off
from densing_fit.rulers.loss_law import LOSS_FORMULA, LossLaw, law_ln_n, positive_arrays
from densing_fit.rulers.optimize import fit_curve, r_squared, rmse

__all__ = ["LOSS_FORMULA", "SCORE_FORMULA", "LossLaw", "LossToScore", "TwoStepRuler"]

SCORE_FORMULA = "S = c / (1 + exp(-gamma * (L - l))) + d"


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
        loss = positive_arrays(self.name, losses=losses)["losses"]
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
    does with intermediate checkpoints; "final": well-trained points only); irreducible (step 1
    with the OLMo ladder's irreducible loss E, default; False: the densing paper's form without E);
    name (for messages).
    """

    def __init__(
        self,
        *,
        floor: float = 0.0,
        maximum: float = 100.0,
        d0_tokens: float = 1e12,
        max_extrapolation: float = 1000.0,
        score_points: str = "all",
        irreducible: bool = True,
        name: str = "two-step ruler",
    ) -> None:
        self.floor = floor
        self.maximum = maximum
        self.d0_tokens = d0_tokens
        self.max_extrapolation = max_extrapolation
        self.score_points = score_points
        self.irreducible = irreducible
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
        self.loss_law_ = LossLaw(irreducible=self.irreducible, name=f"{self.name}, step 1").fit(
            n[step1], d[step1], loss[step1]
        )
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
        self.reference_range_ = (float(n[step1].min()), float(n[step1].max()))
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
        k = self.loss_law_.theta_.size

        def ln_n_of(theta: np.ndarray) -> np.ndarray:
            return law_ln_n(loss_from_score(s, *theta[k:]), d0, theta[:k])

        below = (s <= self.floor) | (s <= self.score_curve_.params_["d"])
        return read_off(ln_n_of, self.theta_, self.cov_, below, self.reach_, self.extrapolation())


def _block_diag(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    out = np.zeros((first.shape[0] + second.shape[0],) * 2)
    out[: first.shape[0], : first.shape[0]] = first
    out[first.shape[0] :, first.shape[0] :] = second
    return out
