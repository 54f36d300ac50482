"""Rulers, effective sizes, densities and the densing-law trend (Xiao et al., arXiv 2412.04315).

>>> from densing_fit import DirectRuler, TwoStepRuler, DensingTrend, fit_all, write_outputs
>>> result = fit_all(densing_data.load())        # doctest: +SKIP
>>> write_outputs(result, "out/fit")              # doctest: +SKIP

A fit is one pass per :class:`Track` (a ruler read with the scores of one protocol family), driven by
``track_fit``: ``rulers`` fits the track's ruler (direct, two-step or chained, with its back-tested
extrapolation error) → ``reading`` selects the scores of the track's protocol, reads them on the ruler
and aggregates them per model (flags, citable, rank) → ``trend`` fits the densing law and its verdict;
``pipeline`` runs every track, then ``summaries`` look across tracks and rulers, ``capabilities`` fits
the law per capability group, ``forecast`` continues each track's frontier line and back-tests it, and
``calculator`` exports what the site's density calculator needs. ``pipeline.fit_all`` and
``outputs.write_outputs`` are the interface a release's own code is run through (release_fit.py).

Layering: imports ``densing_data`` only (never ``densing_site``, evaluators or torch).
"""

from densing_fit.errors import FitError, NotFittedError
from densing_fit.options import FitOptions
from densing_fit.outputs import write_outputs
from densing_fit.pipeline import FitResult, fit_all
from densing_fit.rulers.direct import DirectRuler
from densing_fit.rulers.effective import EffectiveSize
from densing_fit.rulers.two_step import LossLaw, LossToScore, TwoStepRuler
from densing_fit.track_fit import TrackResult
from densing_fit.tracks import DEFAULT_TRACK, TRACKS, Track
from densing_fit.trend.law import DensingTrend

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
