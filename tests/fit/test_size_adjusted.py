"""The size-adjusted slope: ln ρ = A·t + C·ln N + B recovers known A and C from synthetic models,
its bootstrap interval covers them, and degenerate periods say why instead of giving numbers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from densing_fit.trend.size_adjusted import _coefficients, fit_size_adjusted

A_TRUE, C_TRUE, B_TRUE = 0.002, -0.4, 1.5


def _models(n: int, seed: int = 1, noise: float = 0.1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    days = rng.integers(0, 1200, n)
    log_n = rng.uniform(np.log(1e8), np.log(1e11), n)
    log_rho = A_TRUE * days + C_TRUE * log_n + B_TRUE + rng.normal(0, noise, n)
    # density falls with size and later models are larger: the all-model slope alone would mislead
    return pd.DataFrame(
        {
            "release_date": [pd.Timestamp("2019-01-01") + pd.Timedelta(days=int(d)) for d in days],
            "params": np.exp(log_n),
            "density": np.exp(log_rho),
        }
    )


def test_recovers_known_coefficients_and_covers_them() -> None:
    fit = fit_size_adjusted(_models(80), n_resamples=400, confidence=0.9, random_state=0)
    assert fit["error"] is None and fit["n_models"] == 80
    assert fit["slope_per_day"] == pytest.approx(A_TRUE, abs=1e-4)
    assert fit["log_params_coef"] == pytest.approx(C_TRUE, abs=0.03)
    low, high = fit["slope_per_day_ci"]
    assert low < A_TRUE < high and high - low < 5e-4
    low, high = fit["log_params_coef_ci"]
    assert low < C_TRUE < high
    assert fit["doubling_days"] == pytest.approx(math.log(2) / fit["slope_per_day"])
    fastest, slowest = fit["doubling_days_ci"]
    assert fastest == pytest.approx(math.log(2) / fit["slope_per_day_ci"][1])
    assert fastest < fit["doubling_days"] < slowest == pytest.approx(math.log(2) / fit["slope_per_day_ci"][0])


def test_size_confounding_is_removed() -> None:
    frame = _models(80, noise=0.05)
    frame = frame.sort_values("release_date").reset_index(drop=True)
    frame["params"] = np.sort(frame["params"].to_numpy())  # later models larger, as before ChatGPT
    log_n = np.log(frame["params"].to_numpy())
    days = (frame["release_date"] - pd.Timestamp("2019-01-01")).dt.days.to_numpy()
    wobble = np.random.default_rng(3).normal(0, 0.05, len(frame))
    frame["density"] = np.exp(C_TRUE * log_n + B_TRUE + wobble)  # flat over time at equal size
    raw_slope = np.polyfit(days, np.log(frame["density"]), 1)[0]
    fit = fit_size_adjusted(frame, n_resamples=300, confidence=0.9, random_state=0)
    assert raw_slope < -5e-4  # the all-model slope falls
    low, high = fit["slope_per_day_ci"]
    assert abs(fit["slope_per_day"]) < 2e-4 and low < 0 < high
    # an interval across zero bounds the doubling time from below only: no growth is allowed
    fastest, slowest = fit["doubling_days_ci"]
    assert fastest == pytest.approx(math.log(2) / high) and slowest is None


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (_models(3), "needs 4 or more models"),
        (_models(10).assign(release_date=pd.Timestamp("2022-05-03")), "one release date or one size"),
        (_models(10).assign(params=1.3e9), "one release date or one size"),
    ],
)
def test_degenerate_periods_say_why(frame: pd.DataFrame, message: str) -> None:
    fit = fit_size_adjusted(frame, n_resamples=50, confidence=0.9, random_state=0)
    assert message in fit["error"] and fit["slope_per_day"] is None


def test_same_seed_same_interval() -> None:
    a = fit_size_adjusted(_models(30), n_resamples=100, confidence=0.9, random_state=7)
    b = fit_size_adjusted(_models(30), n_resamples=100, confidence=0.9, random_state=7)
    assert a == b


def test_the_batched_bootstrap_equals_one_least_squares_fit_per_resample() -> None:
    from densing_fit.trend.size_adjusted import _bootstrap_coefficients

    rng = np.random.default_rng(5)
    t = rng.integers(0, 1500, 40).astype(float)
    log_n = rng.uniform(np.log(1e8), np.log(1e11), 40)
    y = A_TRUE * t + C_TRUE * log_n + rng.normal(0, 0.2, 40)
    picks = rng.integers(0, 40, (300, 40))
    picks[0] = 0  # one model drawn 40 times: no spread, no fit
    picks[1, :] = np.tile([1, 2], 20)  # two models: dates and sizes vary together, rank 2
    batched = _bootstrap_coefficients(t, log_n, y, picks)
    one_by_one = np.array([_coefficients(t[i], log_n[i], y[i]) for i in picks])
    assert np.isnan(batched[:2]).all() and np.isnan(one_by_one[:2]).all()
    np.testing.assert_allclose(batched[2:], one_by_one[2:], rtol=1e-9, atol=1e-12)
