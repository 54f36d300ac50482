"""A chained direct ruler: a newer reference family read in the units of an older one.

One family's reach ends where its curve flattens: the Qwen2.5 base models never score above about
63 on MATH (4-shot), so a 2026 model scoring 83 cannot be placed on them at all. A newer family
measured side by side with the older one under the same protocol (Qwen3 and Qwen2.5 in the Qwen3
technical report) reaches further. As a distance ladder chains its rungs, the newer family is
calibrated on the older one through the models both can read, and the older family's units — the
units every other density of the track is in — are kept:

1. *Base rung* f₀: a :class:`~densing_fit.rulers.direct.DirectRuler` on the older family (sizes N).
2. *Upper rung* f₁: a direct ruler on the newer family (sizes N₁, its own parameter counts).
3. *Link*: each upper-rung member's own score is read on the base rung, giving its size in base
   units N̂₀. The link is a constant factor, ln k = weighted mean of ln(N̂₀ / N₁) over the members
   the base rung reads exactly (weights 1 / se², se from the base rung's parameters and its
   extrapolation error); its standard error is that of the weighted mean, scaled up by the Birge
   ratio √(χ²/(n−1)) when the members scatter more than their errors allow.
4. *Reading*: a score inside the base rung's reference range is read on it. Beyond it, the rung
   that reads the score more precisely is used (standard errors with each rung's back-tested
   extrapolation error); an upper-rung reading is ln N̂ = ln f₁⁻¹(S) + ln k, with variance
   se₁² + se_k². A score beyond both rungs stays a bound.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from densing_fit.errors import FitError, check_is_fitted
from densing_fit.rulers.direct import DirectRuler
from densing_fit.rulers.effective import ABOVE, BELOW, EXACT, EffectiveSizes, RulerReadout

MIN_LINK_MEMBERS = 2
"""Fewest upper-rung members the base rung must read exactly to calibrate the link."""
MIN_SE = 0.02
"""Floor on a member's standard error in the link's weights (no member weighs infinitely)."""


@dataclass(frozen=True)
class LinkMember:
    """One upper-rung member read on the base rung."""

    member: str
    """Model id."""
    params: float
    """Its own size N₁."""
    score: float
    """Its score on the benchmark."""
    base_params: float | None
    """Its size in base units N̂₀ (None when the base rung cannot read it exactly)."""
    se_log: float | None
    """Standard error of ln N̂₀."""

    def as_dict(self) -> dict[str, object]:
        """JSON-ready mapping."""
        ratio = None if self.base_params is None else self.base_params / self.params
        return {
            "member": self.member,
            "params": self.params,
            "score": self.score,
            "base_params": self.base_params,
            "ratio": ratio,
            "se_log": self.se_log,
        }


class ChainedRuler(RulerReadout):
    """A base direct ruler and an upper one linked by a constant size factor (see module doc).

    Parameters (keyword only): name (for messages).
    """

    def __init__(self, *, name: str = "chained ruler") -> None:
        self.name = name

    def fit(
        self, base: DirectRuler, upper: DirectRuler, members: list[str], sizes: object, scores: object
    ) -> ChainedRuler:
        """Link fitted rulers ``base`` and ``upper`` through the upper family's ``members`` (their
        own ``sizes`` and ``scores``); return ``self``."""
        check_is_fitted(base, "theta_")
        check_is_fitted(upper, "theta_")
        n1 = np.asarray(sizes, dtype=float)
        s = np.asarray(scores, dtype=float)
        read = base.effective_params_batch(s)
        exact = read.flag == EXACT
        linked = [
            LinkMember(m, float(n), float(v), float(r) if e else None, float(se) if e else None)
            for m, n, v, r, se, e in zip(members, n1, s, read.value, read.se_log, exact, strict=True)
        ]
        if exact.sum() < MIN_LINK_MEMBERS:
            raise FitError(
                f"{self.name}: the base rung reads {int(exact.sum())} of the upper rung's {len(members)} "
                f"members exactly, expected at least {MIN_LINK_MEMBERS}; the families share too little "
                "range to be linked"
            )
        ln_ratio = np.log(read.value[exact]) - np.log(n1[exact])
        weight = 1.0 / np.maximum(read.se_log[exact], MIN_SE) ** 2
        ln_k = float(np.sum(weight * ln_ratio) / np.sum(weight))
        se_k = float(np.sqrt(1.0 / np.sum(weight)))
        n_link = int(exact.sum())
        chi2 = float(np.sum(weight * (ln_ratio - ln_k) ** 2))
        birge = float(np.sqrt(chi2 / (n_link - 1))) if n_link > 1 else 1.0
        self.base_, self.upper_ = base, upper
        self.ln_k_, self.se_k_ = ln_k, se_k * max(1.0, birge)
        self.birge_ratio_ = birge
        self.members_ = tuple(linked)
        self.theta_ = np.concatenate([base.theta_, upper.theta_, [ln_k]])
        k = float(np.exp(ln_k))
        self.reach_ = (base.reach_[0], max(base.reach_[1], upper.reach_[1] * k))
        top = max(base.reference_range_[1], upper.reference_range_[1] * k)
        self.reference_range_ = (base.reference_range_[0], top)
        return self

    @property
    def factor_(self) -> float:
        """k: base-unit parameters per upper-family parameter."""
        check_is_fitted(self, "ln_k_")
        return float(np.exp(self.ln_k_))

    def link_summary(self) -> dict[str, object]:
        """The link as the ``chain.link`` object of ruler.json."""
        check_is_fitted(self, "ln_k_")
        return {
            "factor": self.factor_,
            "ln_factor": self.ln_k_,
            "ln_factor_se": self.se_k_,
            "birge_ratio": self.birge_ratio_,
            "members": [m.as_dict() for m in self.members_],
        }

    def predict(self, params: object) -> np.ndarray:
        """Score of a reference model of ``params`` base units: the base curve inside its reference
        range, the upper curve (at params / k) beyond it."""
        check_is_fitted(self, "ln_k_")
        n = np.atleast_1d(np.asarray(params, dtype=float))
        inside = n <= self.base_.reference_range_[1]
        return np.where(inside, self.base_.predict(n), self.upper_.predict(n / self.factor_))

    def effective_params_batch(self, scores: object) -> EffectiveSizes:
        """Effective sizes in base units; ``chained`` marks readings taken from the upper rung."""
        check_is_fitted(self, "ln_k_")
        s = np.atleast_1d(np.asarray(scores, dtype=float))
        base = self.base_.effective_params_batch(s)
        upper = self.upper_.effective_params_batch(s)
        ln_upper = np.log(upper.value) + self.ln_k_
        se_upper = np.sqrt(upper.se_log**2 + self.se_k_**2)
        base_exact, upper_exact = base.flag == EXACT, upper.flag == EXACT
        inside = base_exact & (base.extrapolation <= 1.0)
        prefer_upper = upper_exact & (~base_exact | (se_upper < base.se_log))
        use_upper = ~inside & ((prefer_upper) | ((base.flag == ABOVE) & (upper.flag == ABOVE)))
        use_upper &= base.flag != BELOW
        value = np.where(use_upper, np.exp(ln_upper), base.value)
        flag = np.where(use_upper, upper.flag, base.flag)
        se = np.where(use_upper, np.where(upper_exact, se_upper, 0.0), base.se_log)
        factor = np.where(use_upper, upper.extrapolation, base.extrapolation)
        both_above = (base.flag == ABOVE) & (upper.flag == ABOVE)
        value = np.where(both_above, np.maximum(base.value, np.exp(ln_upper)), value)
        return EffectiveSizes(value=value, flag=flag, se_log=se, extrapolation=factor, chained=use_upper)
