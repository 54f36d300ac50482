"""A fitted ruler's estimator on one benchmark as data: what reading a score off it takes.

Each estimator is written with its parameters in the fit's internal parameterisation (the vector the
delta method differentiates), their covariance, the benchmark's floor, the reach beyond which a
reading is a bound, the reference range and back-tested ``kappa`` of the extrapolation error
(:class:`densing_fit.rulers.effective.Extrapolation`):

- ``direct``: ``theta`` = (top, slope, mid) of ``S = floor + (top - floor) / (1 + exp(-slope (ln N -
  mid)))``;
- ``two-step``: ``theta`` = step 1's ``(ln a', alpha, ln b', beta[, E])`` (N in units of 1e9, D of
  1e12; ``n_loss`` of them) then step 2's ``(c, gamma, l, d)``, read at ``d0_tokens``;
- ``chained``: a ``base`` and an ``upper`` estimator and the link's ``ln_k`` and its ``se_k``
  (:class:`densing_fit.rulers.chain.ChainedRuler`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from densing_fit.rulers.chain import ChainedRuler
from densing_fit.rulers.curves import D_SCALE, N_SCALE
from densing_fit.rulers.direct import DirectRuler
from densing_fit.rulers.two_step import TwoStepRuler

SCALES = {"n": N_SCALE, "d": D_SCALE}
"""Units of N and D inside the two-step ruler's step 1."""


def estimator_document(estimator: Any) -> dict[str, Any]:
    """The JSON-ready description of a fitted direct, two-step or chained estimator."""
    if isinstance(estimator, ChainedRuler):
        return {
            "kind": "chained",
            "base": estimator_document(estimator.base_),
            "upper": estimator_document(estimator.upper_),
            "ln_k": estimator.ln_k_,
            "se_k": estimator.se_k_,
            "reach": list(estimator.reach_),
        }
    common = {
        "floor": float(estimator.floor),
        "theta": np.asarray(estimator.theta_, dtype=float).tolist(),
        "cov": np.asarray(estimator.cov_, dtype=float).tolist(),
        "reach": list(estimator.reach_),
        "reference_range": list(estimator.reference_range_),
        "kappa": float(estimator.extrapolation_sd_per_ln_),
    }
    if isinstance(estimator, DirectRuler):
        return {"kind": "direct", **common}
    if isinstance(estimator, TwoStepRuler):
        return {
            "kind": "two-step",
            **common,
            "n_loss": int(estimator.loss_law_.theta_.size),
            "d0_tokens": float(estimator.d0_tokens),
        }
    raise TypeError(f"no calculator description for an estimator of type {type(estimator).__name__}")
