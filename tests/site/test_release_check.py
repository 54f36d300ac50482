"""The densing-law page's "is the law still holding?" check: with and without a release's models."""

from __future__ import annotations

import math

import pandas as pd

from densing_site.pages.law.release_check import release_check


def _trend(without: dict | None) -> dict:
    return {"doubling_days": 100.0, "doubling_days_ci": [90.0, 110.0], "n_models": 4, "n_frontier": 2,
            "without_added": without}  # fmt: skip


SLOPE = math.log(2) / 100.0
"""The line fitted without the added models: density 1 on 2024-01-01, doubling every 100 days."""


def _without(**changes: object) -> dict:
    """trend.json's ``without_added`` for release 2026.11.0 with the line :data:`SLOPE` gives."""
    return {
        "release": "2026.11.0",
        "slope_per_day": SLOPE,
        "intercept": 0.0,
        "t0": "2024-01-01",
        "doubling_days": 100.0,
        "doubling_days_ci": [80.0, 120.0],
        "n_models": 2,
        "n_frontier": 2,
    } | changes


def test_no_previous_release_means_no_section() -> None:
    assert release_check(_trend(None), pd.DataFrame({"model": []}), 0.9) == {"available": False}


def test_added_models_are_placed_against_the_line_fitted_without_them() -> None:
    without = _without(added=["new-dense", "new-sparse"])
    densities = pd.DataFrame(
        {
            "model": ["new-dense", "new-sparse", "old"],
            "name": ["New <Dense>", "New Sparse", "Old"],
            "release_date": ["2024-04-10", "2024-04-10", "2024-01-01"],
            "density": [4.0, 0.5, 1.0],
            "frontier": ["true", "false", "true"],
        }
    )
    check = release_check(_trend(without), densities, 0.9)
    assert check["available"] and check["release"] == "2026.11.0"
    rows = {r["model"]: r for r in check["rows"]}
    assert rows["new-dense"]["expected"] == math.exp(SLOPE * 100)  # 100 days after t0: density 2
    assert rows["new-dense"]["ratio"] == 2.0 and rows["new-dense"]["frontier"]
    assert rows["new-sparse"]["ratio"] == 0.25
    assert "2 models added since release 2026.11.0 enter the trend" in check["verdict"]
    assert "1 of them sets a new maximum density, and 1 reaches the line" in check["verdict"]
    assert "the closest, New <Dense> (" in check["verdict"]  # escaped by the template's autoescape
    assert "doubles every 3.3 months" in check["with_words"]


def test_added_models_read_as_bounds_are_placed_against_the_line_too() -> None:
    without = _without(
        added=[],
        added_bounds=[
            {"model": "beyond-high", "density": 3.0, "bound": "at_least"},
            {"model": "beyond-low", "density": 1.5, "bound": "at_least"},
            {"model": "under", "density": 0.5, "bound": "at_most"},
        ],
    )
    densities = pd.DataFrame(
        {
            "model": ["beyond-high", "beyond-low", "under"],
            "name": ["Beyond High", "Beyond Low", "Under"],
            "release_date": ["2024-04-10"] * 3,  # the line is at 2 on that day
            "density": [3.0, 1.5, 0.5],
            "frontier": ["false"] * 3,
        }
    )
    check = release_check(_trend(without), densities, 0.9)
    sides = {r["model"]: r["side"] for r in check["bounds"]}
    assert sides == {"beyond-high": "above", "beyond-low": "undecided", "under": "below"}
    assert "No model added since release 2026.11.0 enters this track's trend" in check["verdict"]
    assert "3 more added models read only as a bound" in check["verdict"]
    assert "1 is at least as dense as that line" in check["verdict"] and "1 below it" in check["verdict"]
