"""Bounds look like bounds and extrapolations like extrapolations, in every chart: an open circle with
an arrow pointing where the true value may lie, and the fitted line dashed (and labelled) past its
last frontier point; the ruler page's back-test and chain links; compression pairs read as bounds or
from mixed sources."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from densing_site.charts import svg as svgchart
from densing_site.charts.density import BOUND_SHAPES
from densing_site.charts.svgmarks import point_mark
from densing_site.pages.reference.compression import compression_summary, ratio_bound
from densing_site.pages.reference.ruler_checks import Z90, backtest_view, chain_links, factor_range


def _arrow_tip(mark: str) -> tuple[float, float]:
    """The point the arrow's head meets at (the middle vertex of its last polyline)."""
    path = re.search(r'class="pt-arrow"[^>]* d="([^"]+)"', mark).group(1)
    head = path.split("M")[-1]
    x, y = head.split("L")[1].split(",")
    return float(x), float(y)


@pytest.mark.parametrize(
    ("bound", "axis", "direction"),
    [("lower", "y", (0, -1)), ("upper", "y", (0, 1)), ("lower", "x", (1, 0)), ("upper", "x", (-1, 0))],
)
def test_a_bound_is_an_open_circle_with_an_arrow_where_the_value_may_lie(
    bound: str, axis: str, direction: tuple[int, int]
) -> None:
    mark = point_mark(100.0, 50.0, 5.0, "#d62728", bound=bound, title="a <b>tip</b>", axis=axis)
    assert 'class="pt pt-open"' in mark and 'fill="' not in mark.split("pt-arrow")[0]  # open, not filled
    tip_x, tip_y = _arrow_tip(mark)
    dx, dy = tip_x - 100.0, tip_y - 50.0
    assert (math.copysign(1, dx) if dx else 0, math.copysign(1, dy) if dy else 0) == direction
    assert math.hypot(dx, dy) > 5.0  # the arrow leaves the circle
    assert "<title>a &lt;b&gt;tip&lt;/b&gt;</title>" in mark  # escaped once


def test_an_exact_reading_is_a_filled_circle_without_an_arrow() -> None:
    mark = point_mark(1.0, 2.0, 4.0, "#1f77b4")
    assert 'fill="#1f77b4"' in mark and "pt-arrow" not in mark and "pt-open" not in mark


def _line(start: str, end: str, d0: float, d1: float) -> list[dict]:
    return [
        {"date": start, "density": d0, "low": d0 / 2, "high": d0 * 2},
        {"date": end, "density": d1, "low": d1 / 2, "high": d1 * 2},
    ]


def test_the_trend_chart_draws_bounds_open_and_the_extrapolation_dashed() -> None:
    points = [
        {"model": "a", "name": "A", "date": "2023-06-01", "density": 1.0, "status": "frontier", "bound": "",
         "url": "a/", "tip": "A"},
        {"model": "b", "name": "B", "date": "2024-01-01", "density": 3.0, "status": "not in trend",
         "bound": "lower", "url": "b/", "tip": "B"},
        {"model": "c", "name": "C", "date": "2024-06-01", "density": 0.2, "status": "not in trend",
         "bound": "upper", "url": "c/", "tip": "C"},
    ]  # fmt: skip
    line, extension = _line("2023-01-01", "2024-01-01", 0.5, 2.0), _line("2024-01-01", "2024-06-01", 2.0, 4.0)
    svg = svgchart.trend_svg(points, line, None, extension=extension)
    assert svg.count("pt-open") == 2 and svg.count('class="pt-arrow"') == 2
    assert svg.count('class="fit"') == 1 and svg.count('class="fit fit-ext"') == 1
    assert "<title>extrapolated past the last frontier point</title>" in svg
    assert re.search(r'<text class="ext-label"[^>]*>extrapolated</text>', svg)
    # the dashed line starts where the solid one ends
    solid = re.search(r'class="fit" d="M([^"]+)"', svg).group(1)
    dashed = re.search(r'class="fit fit-ext" d="M([^"]+)"', svg).group(1)
    assert solid.split("L")[-1] == dashed.split("L")[0]
    assert "fit-ext" not in svgchart.trend_svg(points, line, None)  # no extension, nothing dashed
    ringed = svgchart.trend_svg(points, line, None, extension=extension, highlight="b", size=svgchart.SMALL)
    assert "fit-ext" in ringed and "ext-label" not in ringed  # a model page's caption says it instead


def test_vega_bound_symbols_point_up_for_at_least_and_down_for_at_most() -> None:
    def tip_y(path: str) -> float:
        return float(path.split("M")[2].split("L")[1].split(",")[1])  # the stem's far end

    assert tip_y(BOUND_SHAPES["lower"]) == -1.0 and tip_y(BOUND_SHAPES["upper"]) == 1.0


def test_the_backtest_and_the_chain_link_in_rows() -> None:
    ruler = {
        "backtest": {
            "kappa": 0.67,
            "bias": -0.06,
            "n_points": 37,
            "n_unreadable": 8,
            "max_factor": 9.55,
            "by_factor": [
                {"factor_low": 1.0, "factor_high": 2.0, "n_points": 5, "n_unreadable": 0, "rms_error": 1.03,
                 "mean_error": 0.53, "typical_factor": 1.65},
                {"factor_low": 10.0, "factor_high": None, "n_points": 6, "n_unreadable": 0, "rms_error": 2.0,
                 "mean_error": -0.56, "typical_factor": 3.87},
            ],
        }
    }  # fmt: skip
    view = backtest_view(ruler)
    assert view is not None and view["kappa"] == 0.67 and view["n_unreadable"] == 8
    assert [b.factors for b in view["bins"]] == ["1–2×", "10× and beyond"]
    assert backtest_view({}) is None and factor_range(2, 4) == "2–4×"
    members = [
        {"member": "q3-1b", "params": 1e9, "score": 40.0, "base_params": 2e9, "ratio": 2.0, "se_log": 0.1}
    ]
    fit = {"chain": [{"protocol": "qwen3", "link": {"factor": 2.33, "ln_factor": math.log(2.33),
                      "ln_factor_se": 0.0934, "birge_ratio": 2.3, "members": members},
                      "backtest": {"kappa": 0.79}},
                     {"protocol": "newer", "error": "4 members, 5 needed"}]}  # fmt: skip
    link, broken = chain_links("math", fit)
    assert link.factor == 2.33 and link.kappa == 0.79 and len(link.members) == 1 and link.error == ""
    # the 90% interval of k, checked against the normal quantile by bisection
    lo, hi = 0.0, 3.0
    while hi - lo > 1e-12:
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if math.erf(mid / math.sqrt(2)) < 0.9 else (lo, mid)
    assert abs(Z90 - lo) < 1e-9
    assert link.low == pytest.approx(2.33 * math.exp(-lo * 0.0934)) and link.high == pytest.approx(
        2.33 * math.exp(lo * 0.0934)
    )
    assert broken.error == "4 members, 5 needed" and broken.factor is None
    assert chain_links("mmlu", {"params": {}}) == []


@pytest.mark.parametrize(
    ("child", "parent", "side"),
    [
        ("", "", None),
        ("above_ruler", "", "lower"),  # child at least x, parent exact: ratio at least
        ("below_ruler", "", "upper"),
        ("", "above_ruler", "upper"),  # parent at least y: ratio at most
        ("", "below_ruler", "lower"),
        ("above_ruler", "below_ruler", "lower"),
        ("above_ruler", "above_ruler", "both"),  # both at least: no bound on the ratio
    ],
)
def test_a_ratio_of_bounds_is_bounded_the_way_they_allow(child: str, parent: str, side: str | None) -> None:
    assert ratio_bound(child, parent) == side


def test_mixed_sources_are_named_in_the_compression_summary() -> None:
    rows = [
        {"name": "Same", "denser_than_parent": "yes", "same_source": "yes"},
        {"name": "Mixed", "denser_than_parent": "no", "same_source": "no"},
    ]
    words = compression_summary(rows)
    assert "Mixed is read from other sources than its parent on some benchmark" in words
    assert "Same is read" not in words


def test_bound_readings_are_marked_in_the_built_charts_and_tables(built_site: Path) -> None:
    home = (built_site / "index.html").read_text(encoding="utf-8")
    wide = home.split('<div class="lb-chart__wide">')[1].split("</svg>")[0]
    rows = home + (built_site / "rows.html").read_text(encoding="utf-8")
    bounded = set(re.findall(r'<tr data-id="([^"]+)"[^>]* data-b="(?:lower|upper)"', rows))
    drawn = set(re.findall(r'<a href="models/([^/]+)/"[^>]*><circle class="pt pt-open"', wide))
    assert bounded and drawn == bounded  # every bound on the chart is open, and only the bounds
    assert "at least" in home.split('<ul class="chart-legend">')[1].split("</ul>")[0]
    assert re.search(
        r"<title>[^<]*density (at least|at most) [\d.]+ \(an? (lower|upper) bound: no 90% interval\)", wide
    )
