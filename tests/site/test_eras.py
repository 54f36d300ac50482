"""Before and after ChatGPT per track: slopes in words, the verdict against the paper, and the
densing-law page's table (one row per track and period)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from densing_site.inputs.fit_tracks import Track
from densing_site.pages.law.eras import (
    duration_range,
    duration_words,
    era_rows,
    paper_comparison,
    size_words,
    slope_of,
    slope_words,
    verdict,
)


def _fit(slope: float, low: float, high: float, n: int = 10) -> dict[str, Any]:
    return {"slope_per_day": slope, "slope_per_day_ci": [low, high], "n_models": n}


def _track(before: dict[str, Any] | None, after: dict[str, Any] | None) -> Track:
    cut = {
        "date": "2022-11-30",
        "before": None if before is None else {"n_models": before["n_models"], "all_models": before},
        "after": None if after is None else {"n_models": after["n_models"], "all_models": after},
    }
    return Track("t", "T", "r", "p", "d", (), pd.DataFrame(), {"cut": cut})


@pytest.mark.parametrize(
    ("fit", "expected"),
    [
        (
            _fit(0.0029, 0.0020, 0.0038),
            "+0.0029 per day (90% interval +0.0020 to +0.0038): density grows, doubling every 7.9 months "
            "(90% interval 6.0 to 11.4 months)",
        ),
        (
            _fit(-0.0008, -0.0018, -0.0003),
            "-0.0008 per day (90% interval -0.0018 to -0.0003): density falls, halving every 2.4 years "
            "(90% interval 12.7 months to 6.3 years)",
        ),
        (
            _fit(0.0004, -0.0009, 0.0011),
            "the interval includes zero, so growth is not established (central estimate: doubling every "
            "4.7 years; fastest within the interval: every 20.7 months)",
        ),
        (
            _fit(-0.0001, -0.0009, 0.0011),
            "(central estimate: no growth; fastest within the interval: every 20.7 months)",
        ),
        (
            _fit(-0.0004, -0.0009, 0.0),
            "density falls, halving every 4.7 years (90% interval 2.1 years to never)",
        ),
        (None, "no fit"),
        ({"error": "too few models"}, "no fit (too few models)"),
    ],
)
def test_slope_words(fit: dict[str, Any] | None, expected: str) -> None:
    assert expected in slope_words(fit, 0.9)


def test_an_unknown_interval_decides_nothing() -> None:
    slope = slope_of({"slope_per_day": 0.01, "slope_per_day_ci": [None, None]})
    assert slope is not None and slope.grows is None


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (
            _fit(-0.0008, -0.0018, -0.0003, 20),
            _fit(0.003, 0.002, 0.004),
            "did not grow before ChatGPT (all 20",
        ),
        (
            _fit(0.0010, 0.0005, 0.0015),
            _fit(0.003, 0.002, 0.004),
            "faster after ChatGPT than before it, as the paper",
        ),
        (
            _fit(0.0050, 0.0045, 0.0060),
            _fit(0.003, 0.002, 0.004),
            "slower after ChatGPT than before it, unlike",
        ),
        (_fit(0.0025, 0.0010, 0.0035), _fit(0.003, 0.002, 0.004), "cannot be told apart"),
        ({"n_models": 0}, _fit(0.003, 0.002, 0.004), "reads no model released before ChatGPT"),
    ],
)
def test_verdict(before: dict[str, Any], after: dict[str, Any], expected: str) -> None:
    assert expected in verdict(_track(before, after))


def test_era_rows_give_two_periods_per_track() -> None:
    tracks = [
        _track(_fit(-0.001, -0.002, -0.0005, 5), _fit(0.003, 0.002, 0.004, 7)),
        _track({"n_models": 0}, None),
    ]
    rows = era_rows(tracks, 0.9)
    assert [(r["side"], r["n_models"], r["first"]) for r in rows] == [
        ("before", 5, True),
        ("after", 7, False),
        ("before", 0, True),
        ("after", 0, False),
    ]
    assert rows[2]["frontier"] == "no model" and rows[2]["all_models"] == ""


def test_densing_law_page_compares_the_periods_on_every_track(built_site: Path) -> None:
    page = (built_site / "densing-law" / "index.html").read_text(encoding="utf-8")
    table = page[page.index('class="densing-table era-table stack-on-phone"') :]
    table = table[: table.index("</table>")]
    groups = re.findall(
        r'<tr class="era-track"><th scope="colgroup" colspan="5"><a href="[^"]*">([^<]+)</a>', table
    )
    assert len(groups) >= 2 and len(groups) == len(set(groups))
    periods = re.findall(r'<th scope="row" data-label="Period">(\w+) ChatGPT</th>', table)
    assert periods == ["before", "after"] * len(groups)
    verdicts = page[page.index('class="era-verdicts"') :]
    assert verdicts[: verdicts.index("</ul>")].count("<li>") == len(groups)
    assert "0.0048 to 0.0073 per day" in page


def test_size_adjusted_words_and_the_reason_growth_fell() -> None:
    flat = {"slope_per_day": 0.0002, "slope_per_day_ci": [-0.0004, 0.0007], "log_params_coef": -0.38}
    assert size_words(flat, 0.9).endswith("ten times the parameters, 0.42 times the density")
    before = _fit(-0.0008, -0.0018, -0.0003, 20) | {"size_adjusted": flat}
    track = _track(before, _fit(0.003, 0.002, 0.004))
    track.trend["cut"]["before"]["size_adjusted"] = flat
    words = verdict(track)
    assert "At equal size it was flat" in words and "0.42 times the density" in words
    falling = flat | {"slope_per_day": -0.001, "slope_per_day_ci": [-0.002, -0.0005]}
    track.trend["cut"]["before"]["size_adjusted"] = falling
    assert "It fell even at equal size" in verdict(track)


@pytest.mark.parametrize(
    ("slope", "words"),
    [(0.0073, "3.1 months"), (0.0009, "2.1 years"), (-0.0009, "2.1 years"), (0.00001, "over a century")],
)
def test_duration_words_switch_to_years_past_two(slope: float, words: str) -> None:
    assert duration_words(slope) == words


def test_duration_range_names_a_shared_unit_once() -> None:
    assert duration_range(0.004, 0.002) == "5.7 to 11.4 months"
    assert duration_range(0.002, 0.0005) == "11.4 months to 3.8 years"
    assert duration_range(0.002, None) == "11.4 months to never"


def test_the_paper_slopes_are_placed_against_both_intervals() -> None:
    track = _track(_fit(-0.0008, -0.0018, -0.0003, 20), _fit(0.003, 0.002, 0.004))
    track.trend["cut"]["after"] |= {"slope_per_day": 0.0075, "slope_per_day_ci": [0.006, 0.009]}
    words = paper_comparison(track)
    assert (
        "before ChatGPT, 0.0048 lies above the all-model interval (-0.0018 to -0.0003), and there is no "
        in words
    )
    assert (
        "after ChatGPT, 0.0073 lies above the all-model interval (+0.0020 to +0.0040) and inside the "
        in words
    )
    assert words in verdict(track)
    inside = _track(_fit(0.005, 0.004, 0.006), None)
    assert "0.0048 lies inside the all-model interval" in paper_comparison(inside)
