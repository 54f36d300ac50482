"""The forecast and its back-test as ``densing fit`` prints them, per track (trend.json ``forecast``,
``forecast_backtest``; docs/method.md, "The forecast")."""

from __future__ import annotations

import datetime as dt
from typing import Any


def _num(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}g}"


def _count(n: int, what: str) -> str:
    return f"{n} {what}" if n == 1 else f"{n} {what}s"


def forecast_lines(trend: dict[str, Any]) -> list[str]:
    """Indented lines: the forecast's end point with its 90% prediction interval, then the back-test's
    coverage and one line per fitted cut-off."""
    out = []
    forecast = trend.get("forecast")
    if forecast:
        level = round(100 * forecast["confidence"])
        if forecast.get("error"):
            out.append(f"    forecast: none ({forecast['error']})")
        else:
            end = forecast["points"][-1]
            fit = f"frontier fit from {forecast['cut_date']}, {forecast['n_frontier']} frontier of "
            dated = (
                "" if forecast["finite_date"] else "; the slope's interval reaches zero, so no match dates"
            )
            out.append(
                f"    forecast ({fit}{forecast['n_models']} models): line continued from {forecast['start']} "
                f"to {end['date']}, density there {_num(end['density'])} ({level}% prediction interval "
                f"{_num(end['low'])} to {_num(end['high'])}; a forecast, not data){dated}"
            )
    backtest = trend.get("forecast_backtest")
    if backtest:
        out += backtest_lines(backtest)
    return out


def backtest_lines(backtest: dict[str, Any]) -> list[str]:
    """The back-test's coverage and one line per fitted cut-off."""
    level = round(100 * backtest["confidence"])
    rows = [r for r in backtest["cutoffs"] if r["error"] is None]
    if not rows:
        why = backtest["cutoffs"][0]["error"] if backtest["cutoffs"] else "no cut-offs"
        return [f"    forecast back-test: no cut-off could be fitted ({why})"]
    coverage = "n/a" if backtest["coverage"] is None else f"{100 * backtest['coverage']:.0f}%"
    span = f"{rows[0]['cutoff']} to {rows[-1]['cutoff']}"
    lines = [
        f"    forecast back-test ({len(rows)} of {len(backtest['cutoffs'])} cut-offs fitted, {span}, "
        f"{backtest['horizon_days']} days ahead): {backtest['n_inside']} of {backtest['n_points']} frontier "
        f"readings inside the {level}% prediction band ({coverage}; {backtest['n_above']} above, "
        f"{backtest['n_below']} below; {_count(backtest['n_models'], 'distinct model')}; median band width "
        f"x{_num(backtest['median_band_factor'])})"
    ]
    for row in rows:
        lines.append(_cutoff_line(row))
    return lines


def _cutoff_line(row: dict[str, Any]) -> str:
    densest = row["densest"]
    tail = f"; densest of the year {densest['model']} {densest['position']}" if densest else ""
    last_day = (dt.date.fromisoformat(row["window_end"]) - dt.timedelta(days=1)).isoformat()
    if row["observed_until"] != last_day:
        tail += f" (readings only until {row['observed_until']})"
    points = _count(row["n_points"], "frontier reading")
    return (
        f"      cut-off {row['cutoff']}: fit on {row['n_train']} models ({row['n_frontier']} frontier, "
        f"doubling {_num(row['doubling_days'], 4)} days); year ahead: {points}, {row['n_inside']} inside, "
        f"{row['n_above']} above, {row['n_below']} below{tail}"
    )
