"""The densing law as a forecast: the frontier line continued with its prediction band, when a model of
a given size is expected to match another, and how well such forecasts did on past data.

- :mod:`densing_fit.forecast.line`: :class:`FrontierForecast`, the line with its bootstrap lines, and
  the two questions it answers for any model (match date, smallest matching model);
- :mod:`densing_fit.forecast.document`: trend.json's ``forecast``;
- :mod:`densing_fit.forecast.backtest`: trend.json's ``forecast_backtest``.
"""

from densing_fit.forecast.backtest import CUTOFFS, forecast_backtest
from densing_fit.forecast.document import HORIZON_DAYS, fit_forecast, forecast_document
from densing_fit.forecast.line import Estimate, FrontierForecast

__all__ = [
    "CUTOFFS",
    "HORIZON_DAYS",
    "Estimate",
    "FrontierForecast",
    "fit_forecast",
    "forecast_backtest",
    "forecast_document",
]
