"""The forecast on synthetic densities whose law is known: the line continued with its prediction band,
the match date and the smallest matching model against brute force over the bootstrap lines, and the
back-test's placements when the law holds, slows or jumps."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pytest

from densing_cli.forecast_report import backtest_lines
from densing_fit.forecast import CUTOFFS, HORIZON_DAYS, FrontierForecast, fit_forecast, forecast_backtest
from densing_fit.forecast import forecast_document as document
from densing_fit.forecast.line import percentile
from densing_fit.trend.verdict import prediction_interval

START = dt.date(2023, 1, 1)
CUT = dt.date(2022, 11, 30)
SLOPE = math.log(2) / 100.0  # doubling every 100 days
SETTINGS = {"cut_date": CUT, "n_resamples": 400, "confidence": 0.9, "seed": 0}


def _law(day: float) -> float:
    return math.exp(SLOPE * day - 3.0)


def _row(model: str, day: float, density: float, flags: str = "", in_trend: bool = True) -> dict:
    return {
        "model": model,
        "kind": "base",
        "release_date": START + dt.timedelta(days=int(day)),
        "density": density,
        "flags": flags,
        "in_trend": in_trend,
    }


def _world(seed: int, days: np.ndarray, law=_law) -> list[dict]:
    """Every fourth model on the law (times a small scatter), the others below it."""
    rng = np.random.default_rng(seed)
    rows = []
    for i, day in enumerate(days):
        shortfall = rng.normal(0.0, 0.05) if i % 4 == 0 else rng.uniform(0.5, 2.0)
        rows.append(_row(f"m{i:03d}", day, law(day) * math.exp(-shortfall)))
    return rows


def _frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows).sort_values(["release_date", "model"], kind="mergesort").reset_index(drop=True)


def test_percentile_matches_numpy_and_keeps_infinite_ends() -> None:
    values = np.random.default_rng(0).normal(size=57)
    for q in (0.0, 2.1, 5.0, 50.0, 97.9, 100.0):
        assert percentile(values, q) == pytest.approx(np.percentile(values, q), abs=1e-12)
    with_inf = np.array([1.0, 2.0, 3.0, np.inf, np.inf])
    assert percentile(with_inf, 50) == 3.0
    assert percentile(with_inf, 60) == math.inf
    with pytest.raises(ValueError, match="no values"):
        percentile(np.array([]), 50)


def test_match_day_and_smallest_model_equal_brute_force_over_the_lines() -> None:
    rng = np.random.default_rng(1)
    lines = np.column_stack([rng.normal(SLOPE, SLOPE / 5, 500), rng.normal(-3.0, 0.3, 500)])
    forecast = FrontierForecast(START, SLOPE, -3.0, lines, (5.0, 95.0), (SLOPE * 0.7, SLOPE * 1.3))
    n_hat, n = 8e9, 2e9  # a model of 2B matches an effective 8B at density 4
    match = forecast.match_day(n_hat, n)
    brute = (math.log(4.0) - lines[:, 1]) / lines[:, 0]
    assert match.value == pytest.approx((math.log(4.0) + 3.0) / SLOPE)
    assert match.low == pytest.approx(np.percentile(brute, 5))
    assert match.high == pytest.approx(np.percentile(brute, 95))
    day = 900.0
    smallest = forecast.smallest_params(n_hat, day)
    sizes = n_hat / np.exp(lines[:, 0] * day + lines[:, 1])
    assert smallest.value == pytest.approx(n_hat / _law(day))
    expected = np.exp(np.percentile(np.log(sizes), [5, 95]))  # percentiles of ln N, as the band's
    assert (smallest.low, smallest.high) == pytest.approx(tuple(expected), rel=1e-12)
    # the central size, put back on the line at that day, matches the model: N * rho(t) = N-hat
    assert smallest.value * math.exp(forecast.log_density(day)) == pytest.approx(n_hat)


def test_no_match_date_when_the_slope_interval_reaches_zero() -> None:
    lines = np.array([[SLOPE, -3.0], [-SLOPE, -3.0], [2 * SLOPE, -3.0]])
    forecast = FrontierForecast(START, SLOPE, -3.0, lines, (5.0, 95.0), (-SLOPE, 2 * SLOPE))
    assert not forecast.finite_date
    assert forecast.match_day(8e9, 2e9) is None
    # a line that does not grow never gets there: with the interval above zero it is infinitely late
    growing = FrontierForecast(START, SLOPE, -3.0, lines, (5.0, 95.0), (SLOPE / 2, 2 * SLOPE))
    assert growing.match_day(8e9, 2e9).high == math.inf


def test_the_forecast_continues_the_frontier_line_with_a_prediction_band() -> None:
    rows = _world(0, np.linspace(0, 900, 40))
    rows.append(_row("bound", 950, 50.0, flags="above_ruler", in_trend=False))  # newest reading: a bound
    frame = _frame(rows)
    forecast = document(frame[frame["in_trend"]], frame, **SETTINGS)
    assert forecast["error"] is None
    assert forecast["newest_reading"] == (START + dt.timedelta(days=950)).isoformat()
    assert forecast["end"] == (START + dt.timedelta(days=950 + HORIZON_DAYS)).isoformat()
    frontier_days = [r for r in forecast["points"]]
    assert frontier_days[0]["date"] == forecast["start"] and frontier_days[-1]["date"] == forecast["end"]
    assert forecast["doubling_days_ci"][0] <= 100 <= forecast["doubling_days_ci"][1]
    assert forecast["finite_date"] is True
    fitted = fit_forecast(frame[frame["in_trend"]], n_resamples=400, confidence=0.9, seed=0)
    dates = pd.to_datetime([p["date"] for p in forecast["points"]])
    low_line, high_line = fitted.trend.band(dates)
    for point, lo, hi in zip(forecast["points"], low_line, high_line, strict=True):
        assert point["low"] < point["density"] < point["high"]
        assert point["low"] < lo and point["high"] > hi  # wider than the line's own band: the scatter
    assert len(forecast["lines"]["slope"]) == 400 - fitted.trend.n_bootstrap_failed_
    # the written lines reproduce the trend's band (their percentiles at the trend's levels)
    day = fitted.line.day(dates[-1].date())
    values = np.array(forecast["lines"]["slope"]) * day + np.array(forecast["lines"]["intercept"])
    assert np.exp(np.percentile(values, forecast["percentiles"])) == pytest.approx(
        [low_line[-1], high_line[-1]], rel=1e-4
    )


def test_too_few_frontier_points_give_a_reason_not_a_forecast() -> None:
    rows = [_row("a", 0, 0.1), _row("b", 100, 0.2), _row("c", 200, 0.15), _row("d", 300, 0.12)]
    frame = _frame(rows)
    forecast = document(frame, frame, **SETTINGS)
    assert "frontier has 2 points" in forecast["error"] and "points" not in forecast


def _backtest(rows: list[dict]) -> dict:
    frame = _frame(rows)
    return forecast_backtest(frame[frame["in_trend"]], frame, **SETTINGS)


def test_back_test_on_the_law_puts_the_frontier_inside_the_band() -> None:
    result = _backtest(_world(2, np.linspace(0, 1100, 70)))
    assert [r["cutoff"] for r in result["cutoffs"]] == [c.isoformat() for c in CUTOFFS]
    assert result["n_points"] > 5 and result["n_inside"] == result["n_points"]
    assert result["coverage"] == 1.0
    row = result["cutoffs"][0]
    assert row["error"] is None and row["window_end"] == (CUTOFFS[0] + dt.timedelta(days=365)).isoformat()
    for point in row["points"]:
        day = (dt.date.fromisoformat(point["release_date"]) - START).days
        assert (
            CUTOFFS[0] <= dt.date.fromisoformat(point["release_date"]) < CUTOFFS[0] + dt.timedelta(days=365)
        )
        assert point["density"] == pytest.approx(_law(day), rel=0.25)  # a frontier point lies on the law


def test_back_test_sees_a_slowdown_below_the_band_and_a_jump_above_it() -> None:
    knee = (dt.date(2024, 7, 1) - START).days

    def slowed(day: float) -> float:  # from 2024-07 density grows ten times more slowly
        return _law(day) if day < knee else _law(knee) * math.exp(SLOPE / 10 * (day - knee))

    result = _backtest(_world(3, np.linspace(0, 1100, 80), law=slowed))
    late = [r for r in result["cutoffs"] if r["cutoff"] >= "2025-01-01" and r["n_points"]]
    assert late and all(p["position"] == "below" for r in late for p in r["points"])
    assert result["n_below"] >= len(late)

    def jumped(day: float) -> float:  # from 2024-07 every model is 30 times denser than the law
        return _law(day) * (30.0 if day >= knee else 1.0)

    result = _backtest(_world(4, np.linspace(0, 1100, 80), law=jumped))
    row = next(r for r in result["cutoffs"] if r["cutoff"] == "2024-07-01")
    assert row["points"] and row["points"][0]["position"] == "above"


def test_back_test_says_why_a_cutoff_has_no_forecast() -> None:
    rows = _world(5, np.linspace(0, 500, 30))  # readings end in mid-2024
    result = _backtest(rows)
    by_cutoff = {r["cutoff"]: r for r in result["cutoffs"]}
    assert by_cutoff["2025-01-01"]["error"] == "the track has no reading from the cut-off on"
    early = _backtest(_world(6, np.linspace(340, 700, 20)))  # two models before 2024-01
    assert early["cutoffs"][0]["n_train"] == 2
    assert early["cutoffs"][0]["error"] == "2 models in the trend, too few for a forecast (at least 3)"
    assert result["n_cutoffs"] == sum(1 for r in result["cutoffs"] if r["error"] is None)


def test_back_test_placements_agree_with_the_prediction_interval() -> None:
    rows = _world(7, np.linspace(0, 1100, 60))
    frame = _frame(rows)
    result = forecast_backtest(frame, frame, **SETTINGS)
    row = next(r for r in result["cutoffs"] if r["points"])
    train = frame[frame["release_date"] < dt.date.fromisoformat(row["cutoff"])]
    fitted = fit_forecast(train, n_resamples=400, confidence=0.9, seed=0)
    point = row["points"][0]
    centre, low, high = prediction_interval(
        fitted.trend, fitted.residual_sd, pd.to_datetime([point["release_date"]]), 0.9
    )
    assert (point["predicted"], point["prediction_low"], point["prediction_high"]) == pytest.approx(
        (centre[0], low[0], high[0])
    )


def test_the_written_forecast_reads_back_as_the_same_line() -> None:
    frame = _frame(_world(8, np.linspace(0, 900, 40)))
    written = document(frame, frame, **SETTINGS)
    fitted = fit_forecast(frame, n_resamples=400, confidence=0.9, seed=0).line
    read = FrontierForecast.from_document(json.loads(json.dumps(written)))
    assert read.t0 == fitted.t0 and read.percentiles == fitted.percentiles
    ours, theirs = read.match_day(8e9, 1e9), fitted.match_day(8e9, 1e9)
    assert (ours.value, ours.low, ours.high) == pytest.approx(
        (theirs.value, theirs.low, theirs.high), abs=0.05
    )
    with pytest.raises(ValueError, match="no 'lines'"):
        FrontierForecast.from_document({k: v for k, v in written.items() if k != "lines"})


def test_densing_fit_prints_each_cutoff_and_says_when_none_could_be_fitted() -> None:
    result = _backtest(_world(9, np.linspace(0, 1100, 70)))
    lines = backtest_lines(result)
    assert lines[0].startswith("    forecast back-test (7 of 7 cut-offs fitted, 2024-01-01 to 2025-07-01")
    assert (
        f"{result['n_inside']} of {result['n_points']} frontier readings inside the 90% prediction band"
        in lines[0]
    )
    assert len(lines) == 8 and all("cut-off" in line for line in lines[1:])
    none = _backtest(_world(10, np.linspace(0, 300, 20)))  # every reading before the first cut-off
    assert backtest_lines(none) == [
        "    forecast back-test: no cut-off could be fitted (the track has no reading from the cut-off on)"
    ]
