"""The densing-law trend: frontier, recovery of a known doubling time, bootstrap coverage, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from densing_fit import DensingTrend, FitError, NotFittedError
from densing_fit.trend.law import frontier_mask

DOUBLING = 100.0
SLOPE = np.log(2) / DOUBLING


def _models(seed: int, n: int = 30, shortfall: float = 0.5) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """Models scattered below the law ln ρ_max = SLOPE·t - 2 (shortfall ~ exponential)."""
    rng = np.random.default_rng(seed)
    days = np.round(rng.uniform(0, 700, n))
    log_density = SLOPE * days - 2.0 - rng.exponential(shortfall, n)
    return pd.Timestamp("2023-01-01") + pd.to_timedelta(days, unit="D"), np.exp(log_density)


def test_frontier_is_the_running_maximum_with_one_model_per_date() -> None:
    days = np.array([0, 0, 1, 2, 2, 3, 4], dtype=float)
    density = np.array([1.0, 2.0, 1.5, 3.0, 3.0, 2.0, 3.0])
    assert frontier_mask(days, density).tolist() == [False, True, False, True, False, False, False]


def test_recovers_a_known_doubling_time() -> None:
    dates, density = _models(0, n=200, shortfall=0.2)
    trend = DensingTrend(n_resamples=300).fit(dates, density)
    assert trend.doubling_days_ == pytest.approx(DOUBLING, rel=0.1)
    low, high = trend.doubling_days_ci_
    assert low < trend.doubling_days_ < high
    assert trend.doubling_months_ == pytest.approx(trend.doubling_days_ / 30.44)
    assert trend.r2_ > 0.9
    assert trend.n_frontier_ == int(trend.frontier_mask_.sum()) < trend.n_models_ == 200
    assert trend.t0_.isoformat() == str(dates.min().date())


def test_same_seed_same_interval_other_seed_other_interval() -> None:
    dates, density = _models(1)
    first = DensingTrend(n_resamples=200, random_state=7).fit(dates, density)
    again = DensingTrend(n_resamples=200, random_state=7).fit(dates, density)
    other = DensingTrend(n_resamples=200, random_state=8).fit(dates, density)
    assert first.doubling_days_ci_ == again.doubling_days_ci_
    assert first.doubling_days_ci_ != other.doubling_days_ci_
    assert first.doubling_days_ == other.doubling_days_


def test_bootstrap_interval_covers_the_true_doubling_time_at_about_its_nominal_rate() -> None:
    """Over 100 seeded worlds the 90% interval should cover the truth about 90% of the time."""
    covered = 0
    for seed in range(100):
        dates, density = _models(1000 + seed)
        low, high = DensingTrend(n_resamples=300, random_state=seed).fit(dates, density).doubling_days_ci_
        covered += low <= DOUBLING <= (np.inf if high is None else high)
    assert 80 <= covered <= 97


def test_band_brackets_the_line() -> None:
    dates, density = _models(2)
    trend = DensingTrend(n_resamples=200).fit(dates, density)
    grid = pd.date_range(dates.min(), dates.max(), periods=5)
    low, high = trend.band(grid)
    assert np.all(low <= trend.predict(grid)) and np.all(trend.predict(grid) <= high)


@pytest.mark.parametrize(
    ("dates", "density", "message"),
    [
        (["2024-01-01"], [1.0], "at least 3 models"),
        (["2024-01-01"] * 4, [1.0, 2.0, 3.0, 4.0], "same release date"),
        (["2024-01-01", "2024-02-01", "2024-03-01"], [1.0, 0.0, 2.0], "finite and positive"),
        (["2024-01-01", "2024-02-01", "2024-03-01"], [1.0, np.nan, 2.0], "finite and positive"),
        (["2024-01-01", "2024-02-01", "2024-03-01"], [3.0, 2.0, 1.0], "the frontier is a single date"),
        (["2024-01-01", "2024-02-01"], [1.0, 2.0, 3.0], "2 release dates but 3 densities"),
    ],
)
def test_degenerate_inputs_give_clear_errors(dates: list[str], density: list[float], message: str) -> None:
    with pytest.raises(FitError, match=message):
        DensingTrend(n_resamples=50).fit(pd.to_datetime(dates), density)


def test_shrinking_density_has_no_doubling_time_but_no_nan() -> None:
    dates = pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01"])
    trend = DensingTrend(n_resamples=100, frontier_only=False).fit(dates, [4.0, 3.0, 2.0, 1.5])
    assert trend.slope_per_day_ < 0
    assert trend.doubling_days_ is None and trend.doubling_months_ is None


def test_unfitted_trend_raises() -> None:
    with pytest.raises(NotFittedError):
        DensingTrend().predict(["2024-01-01"])
