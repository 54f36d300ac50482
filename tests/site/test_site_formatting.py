"""Numbers and doubling times as the site writes them."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from densing_site.text.formatting import doubling_words, fmt_date, fmt_interval, fmt_number, fmt_params


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (494_032_768, "494M"),
        (7.6e9, "7.6B"),
        (7_615_616_512, "7.62B"),
        (1.2e12, "1.2T"),
        (950, "950"),
        (None, ""),
        (float("nan"), ""),
        (pd.NA, ""),
        (math.inf, ""),
    ],
)
def test_fmt_params(value: object, text: str) -> None:
    assert fmt_params(value) == text


def test_small_numbers_and_intervals() -> None:
    assert fmt_number(0.0001234) == "0.000123"
    assert fmt_number(1.23456e-7) == "1.23×10^-7"
    assert fmt_interval(0.5, 1.25) == "0.5–1.25"
    assert fmt_interval(0.5, None) == ""
    assert fmt_date(pd.Timestamp("2024-03-05")) == "2024-03-05"
    assert fmt_date("2024-03-05") == "2024-03-05"


def test_doubling_words_from_months_and_ci() -> None:
    fit = {"doubling_months": 3.2345, "doubling_months_ci": [2.71, 3.94]}
    assert doubling_words(fit) == "doubles every 3.2 months, 90% interval 2.7 to 3.9"
    assert doubling_words(fit, 0.95).endswith("95% interval 2.7 to 3.9")


def test_doubling_words_from_days_when_months_missing() -> None:
    fit = {"doubling_days": 30.44 * 4, "doubling_days_ci": [30.44 * 5, 30.44 * 3]}
    assert doubling_words(fit) == "doubles every 4.0 months, 90% interval 3.0 to 5.0"


def test_doubling_words_without_a_fit_or_interval() -> None:
    assert doubling_words(None) == "not enough data for a fit"
    assert doubling_words({"doubling_months": None}) == "not enough data for a fit"
    assert doubling_words({"doubling_months": 5.0, "doubling_months_ci": [4.0, None]}) == (
        "doubles every 5.0 months, 90% interval unbounded"
    )
    assert doubling_words({"doubling_months": -6.0}).startswith("halves every 6.0 months")


def test_chart_paths_drop_only_points_that_do_not_move_the_line() -> None:
    from densing_site.charts.svg import simplify

    straight = [(float(x), 2.0 * x + 1.0) for x in range(50)]
    assert simplify(straight) == [straight[0], straight[-1]]
    corner = [(0.0, 0.0), (1.0, 0.0), (2.0, 0.0), (2.0, 1.0), (2.0, 2.0)]
    assert simplify(corner) == [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0)]
    wiggle = [(0.0, 0.0), (1.0, 0.2), (2.0, 0.0)]  # 0.2 px off the chord: under the quarter pixel
    assert simplify(wiggle) == [(0.0, 0.0), (2.0, 0.0)]
    assert simplify(wiggle, tolerance=0.1) == wiggle


def test_a_bounded_density_is_marked_as_a_bound() -> None:
    from densing_site.text.formatting import bound_mark

    assert bound_mark(["above_ruler", "missing_benchmarks"]) == "≥ "
    assert bound_mark([("below_ruler", "the score is at or below ...")]) == "≤ "
    assert bound_mark("above_ruler;below_ruler") == ""  # both ends censored: neither bound holds
    assert bound_mark("protocol_unstated") == "" and bound_mark(None) == "" and bound_mark(float("nan")) == ""


def test_a_chart_label_stays_inside_the_plot() -> None:
    from densing_site.charts.svg import SMALL, _label_place

    name = "NVIDIA-Nemotron-3.5-Lightning-30B-A3B-Base"
    half = min(len(name) * SMALL.font * 0.3, (SMALL.width - SMALL.left - SMALL.right) / 2)
    for px in (SMALL.left + 1, SMALL.width / 2, SMALL.width - SMALL.right - 1):
        lx, ly = _label_place(SMALL, px, 120.0, 6.0, name)
        assert lx - half >= SMALL.left - 0.5 and lx + half <= SMALL.width - SMALL.right + 0.5
        assert ly < 120.0  # above the point when there is room
    _, ly = _label_place(SMALL, 200.0, SMALL.top + 3, 6.0, "Qwen2.5-7B")
    assert ly > SMALL.top + 3  # below it at the top edge
