"""A model page's forecast: when a model of N parameters is expected to match this one, and the
smallest model expected to match it on a date, from its track's ``forecast`` (trend.json).

The numbers for the defaults (N: half the model's size; the date: the forecast's horizon) are written
into the page; ``forecast.js`` recomputes them in the browser when the reader changes N or the date,
from the track's ``forecast/<track>.json`` (:mod:`densing_site.forecast.files`), with the same
arithmetic as :class:`densing_fit.forecast.line.FrontierForecast`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from densing_fit.forecast.line import Estimate, FrontierForecast
from densing_site.errors import SiteError
from densing_site.inputs.fit_tracks import Track
from densing_site.text.formatting import bound_side, number


class ForecastOutputError(SiteError):
    """A track's ``forecast`` in trend.json does not follow the contract."""


@dataclass(frozen=True)
class TrackForecast:
    """A track's forecast as the site uses it."""

    track_id: str
    line: FrontierForecast | None
    """The line; None when the fit wrote no forecast and said why (``reason``)."""
    reason: str
    """Why there is no forecast (empty when there is one)."""
    start: dt.date | None
    """The last frontier point: the forecast runs from here."""
    end: dt.date | None
    """The forecast's horizon: the default date of "the smallest model expected to match it"."""
    document: dict[str, Any]
    """The ``forecast`` object as written."""


def track_forecast(track: Track) -> TrackForecast | None:
    """The track's forecast; None when its trend.json has none (an older fit); a
    :class:`ForecastOutputError` naming the track and what is wrong when it is malformed."""
    forecast = track.trend.get("forecast")
    if forecast is None:
        return None
    where = f"trend.json of track {track.id!r}, key 'forecast'"
    if not isinstance(forecast, dict):
        raise ForecastOutputError(f"{where}: expected an object, got {type(forecast).__name__}")
    if forecast.get("error"):
        return TrackForecast(track.id, None, str(forecast["error"]), None, None, forecast)
    try:
        line = FrontierForecast.from_document(forecast)
        start, end = (dt.date.fromisoformat(str(forecast[k])) for k in ("start", "end"))
    except KeyError as err:
        raise ForecastOutputError(f"{where}: no {err.args[0]!r}") from None
    except ValueError as err:
        raise ForecastOutputError(f"{where}: {err}") from None
    return TrackForecast(track.id, line, "", start, end, forecast)


def _iso(line: FrontierForecast, day: float) -> str | None:
    date = line.date(day)
    return None if date is None else date.isoformat()


def match_words(line: FrontierForecast, estimate: Estimate | None) -> dict[str, Any] | None:
    """A match date with its interval as ISO dates (``low``/``high`` None where the interval has no end)."""
    if estimate is None:
        return None
    return {
        "date": _iso(line, estimate.value),
        "low": _iso(line, estimate.low),
        "high": _iso(line, estimate.high),
    }


def reading_forecast(
    forecast: TrackForecast | None, row: dict[str, Any], params: float | None
) -> dict[str, Any] | None:
    """What the model page says about the future of one reading (``row``: the track's densities.csv
    row of the model, ``params``: its total parameters); None when the track has no forecast or the
    reading no effective size."""
    n_hat, params = number(row.get("effective_params")), number(params)
    if forecast is None or n_hat is None or not params:
        return None
    if forecast.line is None or forecast.start is None or forecast.end is None:
        return {"available": False, "reason": forecast.reason}
    line = forecast.line
    default_n = params / 2
    match = line.match_day(n_hat, default_n)
    smallest = line.smallest_params(n_hat, line.day(forecast.end))
    return {
        "available": True,
        "n_hat": n_hat,
        "params": params,
        "bound": bound_side(row.get("flags")),
        "default_n": default_n,
        "match": match_words(line, match),
        "inside_data": match is not None and match.value <= line.day(forecast.start),
        "finite_date": line.finite_date,
        "start": forecast.start.isoformat(),
        "date": forecast.end.isoformat(),
        "smallest": {"value": smallest.value, "low": smallest.low, "high": smallest.high},
        "doc": forecast.document,
    }
