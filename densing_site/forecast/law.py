"""What the densing-law page says about each track's forecast and its back-test (the chart draws the
forecast itself: :mod:`densing_site.forecast.chart`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from densing_site.inputs.fit_tracks import Track
from densing_site.text.formatting import doubling_words, number


def _fit_words(forecast: dict[str, Any], confidence: float | None) -> str:
    days = forecast.get("doubling_days_ci") or [None, None]
    fit = {"doubling_days": forecast.get("doubling_days"), "doubling_days_ci": days}
    return doubling_words(fit, confidence)


def law_forecast(track: Track, names: dict[str, str]) -> dict[str, Any] | None:
    """The forecast of ``track`` in words and numbers (None when its fit wrote none): the line's end
    with its 90% prediction band, and the back-test (``names``: model id -> name)."""
    forecast = track.trend.get("forecast")
    if not isinstance(forecast, dict):
        return None
    confidence = number(forecast.get("confidence")) or 0.9
    out: dict[str, Any] = {"level": round(100 * confidence), "cut_date": forecast.get("cut_date")}
    if forecast.get("error"):
        return out | {"available": False, "reason": forecast["error"]}
    end = forecast["points"][-1]
    out |= {
        "available": True,
        "rate": _fit_words(forecast, confidence),
        "n_frontier": forecast.get("n_frontier"),
        "n_models": forecast.get("n_models"),
        "start": forecast.get("start"),
        "end": end,
        "finite_date": bool(forecast.get("finite_date")),
    }
    return out | {"backtest": backtest_words(track.trend.get("forecast_backtest"), names)}


def backtest_words(backtest: dict[str, Any] | None, names: dict[str, str]) -> dict[str, Any] | None:
    """The back-test's totals and its fitted cut-offs, each with the model names of its placements."""
    if not isinstance(backtest, dict):
        return None
    rows = []
    for row in backtest.get("cutoffs") or []:
        if row.get("error"):
            continue
        points = [p | {"name": names.get(p["model"], p["model"])} for p in row.get("points") or []]
        densest = row.get("densest")
        rows.append(
            row
            | {
                "points": points,
                "densest": None
                if not densest
                else densest | {"name": names.get(densest["model"], densest["model"])},
                "partial": row.get("observed_until", "") < _day_before(row.get("window_end", "")),
            }
        )
    coverage = number(backtest.get("coverage"))
    return backtest | {"rows": rows, "percent": None if coverage is None else round(100 * coverage)}


def _day_before(iso: str) -> str:
    return (dt.date.fromisoformat(iso) - dt.timedelta(days=1)).isoformat() if iso else ""
