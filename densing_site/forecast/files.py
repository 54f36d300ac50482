"""``forecast/<track>.json``: what ``forecast.js`` needs to recompute a model page's forecast for any N
or date (the fitted line, the bootstrap lines and the interval's levels), one compact file per track,
fetched only when a reader changes a control."""

from __future__ import annotations

import json
from typing import Any

from densing_site.forecast.model import TrackForecast
from densing_site.inputs.fit_tracks import Track
from densing_site.render import PageWriter

KEYS = (
    "t0",
    "slope_per_day",
    "intercept",
    "slope_per_day_ci",
    "percentiles",
    "finite_date",
    "start",
    "end",
    "cut_date",
    "confidence",
    "lines",
)
"""The keys of trend.json's ``forecast`` the browser uses."""


def forecast_path(track_id: str) -> str:
    """Where a track's forecast file goes, relative to the site root."""
    return f"forecast/{track_id}.json"


def forecast_file(track: Track, forecast: TrackForecast, version: str) -> dict[str, Any]:
    """The file's object: the forecast's keys the browser uses, with the track and data version."""
    return {"track": track.id, "label": track.label, "data_version": version} | {
        k: forecast.document[k] for k in KEYS
    }


def write_forecast_files(
    writer: PageWriter, tracks: list[Track], forecasts: dict[str, TrackForecast | None], version: str
) -> None:
    """Write ``forecast/<track>.json`` for every track with a forecast line."""
    for track in tracks:
        forecast = forecasts.get(track.id)
        if forecast is not None and forecast.line is not None:
            text = json.dumps(forecast_file(track, forecast, version), separators=(",", ":"), sort_keys=True)
            writer.write_text(forecast_path(track.id), text + "\n")
