"""Rank ranges from the readings' intervals: synthetic readings with known answers, a brute-force
check of the percentile ranks, and the columns the fit writes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from densing_fit.outputs import BY_TRACK_COLUMNS, FIXED_COLUMNS
from densing_fit.pipeline import FitResult
from densing_fit.reading.rank_range import add_rank_ranges, log_se, rank_ranges


def _interval(density: np.ndarray, factor: float) -> tuple[np.ndarray, np.ndarray]:
    return density / factor, density * factor


def test_log_se_inverts_a_normal_90_percent_interval() -> None:
    se = 0.3
    low, high = np.exp(-1.6448536 * se), np.exp(1.6448536 * se)
    assert log_se(np.array([low]), np.array([high]))[0] == pytest.approx(se)


def test_well_separated_readings_keep_one_rank_each() -> None:
    density = np.array([100.0, 10.0, 1.0, 0.1, 0.01])  # a factor 10 apart, intervals a factor 1.2 wide
    ranges = rank_ranges(density, *_interval(density, 1.2))
    assert ranges.low.tolist() == [1, 2, 3, 4, 5]
    assert ranges.high.tolist() == [1, 2, 3, 4, 5]


def test_identical_readings_span_every_rank() -> None:
    density = np.full(5, 2.0)
    ranges = rank_ranges(density, *_interval(density, 1.5))
    assert ranges.low.tolist() == [1] * 5
    assert ranges.high.tolist() == [5] * 5


def test_identical_readings_without_spread_keep_their_order() -> None:
    density = np.full(3, 2.0)
    ranges = rank_ranges(density, density, density)
    assert ranges.low.tolist() == [1, 2, 3] and ranges.high.tolist() == [1, 2, 3]


def test_a_pair_that_overlaps_shares_ranks_while_a_distant_reading_does_not() -> None:
    density = np.array([1.05, 1.0, 0.01])
    ranges = rank_ranges(density, *_interval(density, 1.5))
    assert ranges.low.tolist() == [1, 1, 3]
    assert ranges.high.tolist() == [2, 2, 3]


def test_percentiles_match_a_brute_force_count() -> None:
    rng = np.random.default_rng(3)
    density = np.sort(np.exp(rng.normal(0, 0.4, 12)))[::-1]
    low, high = _interval(density, 1.4)
    ranges = rank_ranges(density, low, high, n_draws=500, seed=7)
    se = log_se(low, high)
    draws = np.log(density) + np.random.default_rng(7).standard_normal((500, 12)) * se
    for i in range(12):
        ranks = sorted(1 + int(np.sum(draws[d] > draws[d, i])) for d in range(500))
        lowest, highest = ranks[int(np.ceil(0.05 * 500)) - 1], ranks[int(np.ceil(0.95 * 500)) - 1]
        assert ranges.low[i] == min(lowest, i + 1) and ranges.high[i] == max(highest, i + 1)


def test_same_readings_same_ranges() -> None:
    density = np.array([3.0, 2.5, 2.0, 1.0])
    first = rank_ranges(density, *_interval(density, 1.6))
    again = rank_ranges(density, *_interval(density, 1.6))
    assert first.low.tolist() == again.low.tolist() and first.high.tolist() == again.high.tolist()


@pytest.mark.parametrize(
    ("density", "low", "high", "message"),
    [
        ([1.0, 2.0], [0.5], [2.0, 3.0], "one entry per reading"),
        ([1.0], [0.0], [2.0], "reading 0 has low = 0.0"),
        ([float("nan")], [0.5], [2.0], "positive number"),
    ],
)
def test_bad_readings_are_refused_with_what_is_wrong(
    density: list[float], low: list[float], high: list[float], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        rank_ranges(np.array(density), np.array(low), np.array(high))


def test_only_ranked_rows_get_a_range() -> None:
    table = pd.DataFrame(
        {
            "density": [1.0, 5.0, 0.5, 2.0],
            "density_low": [0.8, 4.0, np.nan, 1.6],
            "density_high": [1.25, 6.25, np.nan, 2.5],
            "rank": pd.array([3, 1, pd.NA, 2], dtype="Int64"),
        }
    )
    add_rank_ranges(table)
    assert table["rank_low"].tolist()[:2] == [3, 1] and table["rank_high"].tolist()[:2] == [3, 1]
    assert table["rank_low"].isna().tolist() == [False, False, True, False]
    assert table["rank_high"].isna().tolist() == [False, False, True, False]


def test_the_fit_writes_rank_ranges_around_every_point_rank(tmp_path: object, world: tuple) -> None:
    from densing_fit import FitOptions, fit_all

    ds, _truth = world
    result: FitResult = fit_all(ds, FitOptions(n_resamples=50, sensitivity=False))
    assert {"rank_low", "rank_high"} <= set(FIXED_COLUMNS) & set(BY_TRACK_COLUMNS)
    for track in result.tracks:
        table = track.densities
        ranked = table[table["rank"].notna()]
        assert len(ranked) > 3
        assert (ranked["rank_low"] <= ranked["rank"]).all() and (ranked["rank"] <= ranked["rank_high"]).all()
        assert ranked["rank_low"].min() == 1 and ranked["rank_high"].max() == len(ranked)
        assert table.loc[table["rank"].isna(), ["rank_low", "rank_high"]].isna().all().all()
