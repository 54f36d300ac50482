"""Rulers, effective sizes, densities and the densing-law trend (Xiao et al., arXiv 2412.04315).

>>> from densing_fit import DirectRuler, TwoStepRuler, DensingTrend, fit_all, write_outputs
>>> result = fit_all(densing_data.load())        # doctest: +SKIP
>>> write_outputs(result, "out/fit")              # doctest: +SKIP

A fit is one pass per :class:`Track` (a ruler read with the scores of one protocol family):
``tracks`` select → ``density`` read and aggregate → ``table`` → ``trend_summary``, driven by
``track_fit``; ``pipeline`` runs every track, then ``agreement`` and ``summaries`` look across them.
The subpackage ``forecast`` continues each track's frontier line as a forecast and back-tests it.

Layering: imports ``densing_data`` only (never ``densing_site``, evaluators or torch).
"""

from densing_fit.direct import DirectRuler
from densing_fit.effective import EffectiveSize
from densing_fit.errors import FitError, NotFittedError
from densing_fit.options import FitOptions
from densing_fit.outputs import write_outputs
from densing_fit.pipeline import FitResult, fit_all
from densing_fit.track_fit import TrackResult
from densing_fit.tracks import DEFAULT_TRACK, TRACKS, Track
from densing_fit.trend import DensingTrend
from densing_fit.two_step import LossLaw, LossToScore, TwoStepRuler

__all__ = [
    "DEFAULT_TRACK",
    "TRACKS",
    "DensingTrend",
    "DirectRuler",
    "EffectiveSize",
    "FitError",
    "FitOptions",
    "FitResult",
    "LossLaw",
    "LossToScore",
    "NotFittedError",
    "Track",
    "TrackResult",
    "TwoStepRuler",
    "fit_all",
    "write_outputs",
]
