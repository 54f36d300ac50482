"""The density calculator: one model given by its inputs, read on every track as ``densing fit`` reads
a recorded one (``densing density`` and the site's calculator page).

- :mod:`~densing_fit.calculator.inputs`: the inputs (sizes, date, kind, scores with settings) and
  their checks;
- :mod:`~densing_fit.calculator.reading`: :func:`read_model`, through the fit's own selection, rulers
  and aggregate (:func:`densing_fit.track_fit.read_track`);
- :mod:`~densing_fit.calculator.placing`: rank among the citable readings, place against the line;
- :mod:`~densing_fit.calculator.export` and :mod:`~densing_fit.calculator.estimators`:
  ``calculator.json``, what the page's engine reads to reproduce the same numbers in the browser.
"""

from densing_fit.calculator.inputs import InputError, ModelInput, ScoreInput
from densing_fit.calculator.reading import TrackOutcome, read_model

__all__ = ["InputError", "ModelInput", "ScoreInput", "TrackOutcome", "read_model"]
