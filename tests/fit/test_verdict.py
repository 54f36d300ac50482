"""The verdict of the last twelve months against the earlier line, on synthetic densities whose law is
known: on the line it holds, far below it slowed, and lower bounds above the line leave it undecided."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from densing_fit.trend.verdict import WINDOW_DAYS, judge

START = dt.date(2023, 1, 1)
SLOPE = np.log(2) / 100.0  # doubling every 100 days


def _law(day: float) -> float:
    return float(np.exp(SLOPE * day - 3.0))


def _earlier(rng: np.random.Generator) -> list[dict]:
    rows = []
    for i, day in enumerate(np.linspace(0, 800, 30)):
        shortfall = 0.0 if i % 4 == 0 else rng.uniform(0.3, 1.5)
        rows.append(_row(f"e{i}", day, _law(day) * np.exp(-shortfall)))
    return rows


def _row(model: str, day: float, density: float, flags: str = "", in_trend: bool = True) -> dict:
    return {
        "model": model,
        "kind": "base",
        "release_date": START + dt.timedelta(days=int(day)),
        "density": density,
        "flags": flags,
        "in_trend": in_trend,
    }


def _judge(rows: list[dict]) -> dict:
    frame = pd.DataFrame(rows)
    return judge(frame, cut_date=dt.date(2022, 11, 30), n_resamples=300, confidence=0.9, seed=0)


def _recent(days: list[float], factor: float) -> list[dict]:
    return [_row(f"r{i}", day, _law(day) * factor) for i, day in enumerate(days)]


def test_readings_on_the_line_hold() -> None:
    rows = _earlier(np.random.default_rng(0)) + _recent([1000, 1100, 1200], 1.0)
    verdict = _judge(rows)
    assert verdict["verdict"] == "holding", verdict["reason"]
    assert verdict["window"]["days"] == WINDOW_DAYS
    low, high = verdict["earlier"]["doubling_days_ci"]
    assert low <= 100 <= high
    best = verdict["densest_recent"]
    assert best["prediction_low"] <= best["density"] <= best["prediction_high"]


def test_readings_far_below_the_line_with_no_bound_slowed() -> None:
    rows = _earlier(np.random.default_rng(1)) + _recent([1000, 1100, 1200], 0.01)
    verdict = _judge(rows)
    assert verdict["verdict"] == "slowed", verdict["reason"]
    assert verdict["densest_recent"]["density"] < verdict["densest_recent"]["prediction_low"]


def test_a_lower_bound_above_the_line_leaves_a_fall_undecided() -> None:
    rows = _earlier(np.random.default_rng(2)) + _recent([1000, 1100, 1200], 0.01)
    rows.append(_row("bound", 1150, _law(1150) * 3, flags="above_ruler", in_trend=False))
    verdict = _judge(rows)
    assert verdict["verdict"] == "undecided"
    assert [b["model"] for b in verdict["bounds_above_line"]] == ["bound"]
    assert "lower bounds above the line" in verdict["reason"]


def test_a_lower_bound_below_the_line_still_leaves_a_fall_undecided() -> None:
    rows = _earlier(np.random.default_rng(3)) + _recent([1000, 1100, 1200], 0.01)
    rows.append(_row("bound", 1150, _law(1150) * 0.001, flags="above_ruler", in_trend=False))
    verdict = _judge(rows)
    assert verdict["verdict"] == "undecided" and not verdict["bounds_above_line"]
    assert "frontier may be among them" in verdict["reason"]


def test_too_few_earlier_models_give_no_verdict() -> None:
    rows = [_row("a", 0, 0.1), _row("b", 500, 0.2), *_recent([1000, 1100], 1.0)]
    verdict = _judge(rows)
    assert verdict["verdict"] == "undecided" and "too few for the earlier line" in verdict["reason"]


def test_no_exact_reading_in_the_window_gives_no_verdict() -> None:
    rows = _earlier(np.random.default_rng(4))
    rows.append(_row("bound", 1300, _law(1300) * 3, flags="above_ruler", in_trend=False))
    verdict = _judge(rows)
    assert verdict["verdict"] == "undecided" and "no exact reading" in verdict["reason"]


def test_the_windows_own_slope_needs_three_frontier_points() -> None:
    rows = _earlier(np.random.default_rng(5))
    two = [*rows, *_recent([1000, 1200], 1.0)]
    assert _judge(two)["recent"] is None  # a line through two points has no interval to speak of
    three = [*rows, *_recent([1000, 1100, 1200], 1.0)]
    recent = _judge(three)["recent"]
    assert recent is not None and recent["n_frontier"] == 3
    low, high = recent["slope_per_day_ci"]
    assert low < recent["slope_per_day"] < high
