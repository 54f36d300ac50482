"""The fitter imports no ``scipy.stats`` (0.4 s of every ``densing fit``); the numbers it took from
there are the same bit for bit: Spearman's rho and p for the track agreement, the t quantile and the
normal tail of the trend's expanded-percentile interval."""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest
from scipy import stats

from densing_fit.summaries.agreement import spearman
from densing_fit.trend.law import DensingTrend


def test_densing_fit_does_not_import_scipy_stats() -> None:
    code = (
        "import sys, densing_data.loader, densing_fit.pipeline, densing_fit.outputs; "
        "print('scipy.stats' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def _same(a: float, b: float) -> bool:
    return np.float64(a).tobytes() == np.float64(b).tobytes()


def test_spearman_gives_scipys_numbers_bit_for_bit() -> None:
    rng = np.random.default_rng(0)
    for case in range(600):
        n = int(rng.integers(3, 80))
        a = np.exp(rng.normal(size=n))
        b = a * np.exp(rng.normal(scale=float(rng.uniform(0.01, 3.0)), size=n))
        if case % 3 == 0:  # ties, shared ranks
            a = np.round(a, 1)
            b = np.round(b, 1)
        if case % 7 == 0:
            b = -b
        expected = stats.spearmanr(a, b)
        rho, p_value = spearman(a, b)
        assert _same(rho, expected.statistic) and _same(p_value, expected.pvalue), case


def test_spearman_of_a_constant_or_missing_input_is_nan_as_scipys() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cases = [([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]), ([1.0, np.nan, 2.0], [1.0, 2.0, 3.0]), ([1.0], [2.0])]
        for a, b in cases:
            expected = stats.spearmanr(a, b)
            assert np.isnan(expected.statistic) and all(np.isnan(spearman(np.array(a), np.array(b))))
    assert spearman(np.array([1.0, 2.0, 3.0]), np.array([3.0, 2.0, 1.0]))[0] == -1.0


@pytest.mark.parametrize("confidence", [0.5, 0.8, 0.9, 0.95, 0.99])
def test_the_trend_interval_tail_is_scipys_t_and_normal(confidence: float) -> None:
    for k in range(2, 300):
        trend = DensingTrend(confidence=confidence)
        trend.n_frontier_ = k
        df = max(k - 2, 1)
        z = np.sqrt(k / df) * stats.t.ppf(1 - (1 - confidence) / 2, df)
        assert _same(trend._tail_percent(), float(stats.norm.sf(z) * 100)), k
