"""Rulers, effective sizes, densities and the densing-law trend (Xiao et al., arXiv 2412.04315).

>>> from densing_fit import DirectRuler, TwoStepRuler, DensingTrend, fit_all, write_outputs
>>> result = fit_all(densing_data.load())        # doctest: +SKIP
>>> write_outputs(result, "out/fit")              # doctest: +SKIP

Layering: imports ``densing_data`` only (never ``densing_site``, evaluators or torch).
"""

from densing_fit.direct import DirectRuler
from densing_fit.effective import EffectiveSize
from densing_fit.errors import FitError, NotFittedError
from densing_fit.outputs import write_outputs
from densing_fit.pipeline import FitOptions, FitResult, fit_all
from densing_fit.trend import DensingTrend
from densing_fit.two_step import LossLaw, LossToScore, TwoStepRuler

__all__ = [
    "DensingTrend",
    "DirectRuler",
    "EffectiveSize",
    "FitError",
    "FitOptions",
    "FitResult",
    "LossLaw",
    "LossToScore",
    "NotFittedError",
    "TwoStepRuler",
    "fit_all",
    "write_outputs",
]
