"""Is the law still holding? Each verdict of trend.json in words with its numbers, the post-ChatGPT
headline with the earlier era beside it, and the built pages carrying both (numbers from the fit
outputs, not recomputed)."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from densing_site.citing.cite_boxes import trend_number
from densing_site.inputs.fit_tracks import Track
from densing_site.pages.law.eras import headline
from densing_site.pages.law.verdict import verdict_view, verdict_views
from tests.site.tracks_fixture import track_ids

DAY = 30.44


def _fit(
    doubling_days: float, low: float, high: float | None, n_frontier: int = 5, n_models: int = 20
) -> dict:
    return {
        "slope_per_day": math.log(2) / doubling_days,
        "slope_per_day_ci": [math.log(2) / (high or 1e9), math.log(2) / low],
        "doubling_days": doubling_days,
        "doubling_days_ci": [low, high],
        "n_frontier": n_frontier,
        "n_models": n_models,
        "t0": "2023-02-24",
    }


def _candidate(model: str, density: float, low: float, high: float) -> dict[str, Any]:
    return {
        "model": model,
        "release_date": "2025-10-02",
        "density": density,
        "predicted": math.sqrt(low * high),
        "prediction_low": low,
        "prediction_high": high,
    }


def _track(verdict: dict[str, Any] | None, cut: dict[str, Any] | None = None, **trend: Any) -> Track:
    names = pd.DataFrame({"model": ["m-dense", "m-bound"], "name": ["Dense <M>", "Bound M"]})
    body = {"verdict": verdict, "cut": cut or {}} | trend
    return Track("t", "Track T", "r", "p", "d", (), names, body)


WINDOW = {"start": "2025-08-11", "end": "2026-08-11", "days": 365}


def _verdict(kind: str, **extra: Any) -> dict[str, Any]:
    return {
        "verdict": kind,
        "reason": f"the reason for {kind}",
        "window": WINDOW,
        "n_earlier": 44,
        "n_recent": 7,
        "earlier": _fit(102.7, 91.6, 126.9, 10, 44),
        "recent": _fit(25.5, 25.5, 1314.7, 2, 7),
        "n_bounds": 0,
        "bounds_above_line": [],
        "densest_recent": _candidate("m-dense", 1.03, 2.95, 23.2),
    } | extra


def test_slowed_says_the_doubling_time_now_with_its_interval() -> None:
    recent = _fit(9.1 * DAY, 5.0 * DAY, 20.3 * DAY)
    view = verdict_view(_track(_verdict("slowed", recent=recent)))
    assert view.title == "Slowed: doubling now 9.1 months (90% interval 5.0 to 20.3)"
    assert view.reason == "The reason for slowed."  # the fitter's reason, as a sentence
    assert view.earlier == "doubles every 3.4 months, 90% interval 3.0 to 4.2"
    assert view.earlier_span == "2023–2025" and (view.start, view.end) == ("2025-08-11", "2026-08-11")
    assert view.densest is not None and view.densest.place == "below" and view.densest.name == "Dense <M>"


def test_slowed_without_growth_says_so_and_an_unbounded_interval_says_so() -> None:
    flat = {"slope_per_day": -0.001, "slope_per_day_ci": [-0.003, 0.001], "doubling_days": None}
    view = verdict_view(_track(_verdict("slowed", recent=flat | {"n_frontier": 2, "n_models": 6})))
    assert view.title == "Slowed: no growth in the last twelve months"
    assert "the interval includes zero" in view.recent
    open_ended = verdict_view(_track(_verdict("holding", earlier=_fit(100.0, 80.0, None))))
    assert open_ended.earlier.endswith("90% interval unbounded")


@pytest.mark.parametrize(
    ("kind", "title", "place", "density"),
    [("holding", "Holding", "inside", 5.0), ("faster", "Faster than the law", "above", 40.0)],
)
def test_holding_and_faster_place_the_densest_reading(
    kind: str, title: str, place: str, density: float
) -> None:
    view = verdict_view(_track(_verdict(kind, densest_recent=_candidate("m-dense", density, 2.95, 23.2))))
    assert view.title == title and view.densest is not None and view.densest.place == place


def test_undecided_names_the_bounds_above_the_line() -> None:
    bound = _candidate("m-bound", 17.5, 1.6, 67.6) | {"predicted": 10.9}
    view = verdict_view(_track(_verdict("undecided", n_bounds=9, bounds_above_line=[bound])))
    assert view.title == "Not yet decidable" and view.n_bounds == 9
    assert [(b.name, b.density, b.predicted) for b in view.bounds_above] == [("Bound M", 17.5, 10.9)]


def test_too_few_earlier_models_leave_the_line_out_and_say_why() -> None:
    verdict = {
        "verdict": "undecided",
        "reason": "only 3 models in the trend between 2022-11-30 and 2024-04-12, too few for a line",
        "window": WINDOW,
        "n_earlier": 3,
        "n_recent": 2,
        "earlier": None,
        "recent": None,
    }
    view = verdict_view(_track(verdict))
    assert view.known and view.earlier == "" and view.densest is None
    assert view.earlier_detail == "no line: 3 models in the trend before the window"
    assert view.recent_detail.startswith("no slope of its own: 2 models of the window")
    assert view.reason.startswith("Only 3 models in the trend") and view.reason.endswith(".")


def test_no_verdict_in_the_fit_outputs_means_no_box() -> None:
    assert not verdict_view(_track(None)).known


def test_a_track_whose_data_end_early_says_so() -> None:
    late = _track(_verdict("holding"))
    early = Track("e", "Early", "r", "p", "d", (), late.densities, {"verdict": _verdict("holding") | {
        "window": {"start": "2023-09-26", "end": "2024-09-25", "days": 365}}})  # fmt: skip
    views = verdict_views([late, early])
    assert views["t"].stale == ""
    assert views["e"].stale.startswith("This track's newest reading is from 2024-09-25")
    assert "not at 2026-08-11" in views["e"].stale


def test_the_headline_is_the_fit_since_chatgpt_with_the_era_before_it() -> None:
    after = _fit(102.7, 91.6, 126.9, 10, 51) | {"first_release": "2023-02-24"}
    none_before = headline(_track(None, {"date": "2022-11-30", "before": None, "after": after}))
    assert none_before.after == "doubles every 3.4 months, 90% interval 3.0 to 4.2"
    assert none_before.before_short == "no model" and none_before.overall == ""  # the same fit
    assert (none_before.n_frontier, none_before.n_models) == (10, 51)
    single = {"n_models": 26, "error": "the frontier is a single date", "doubling_days": None}
    overall = _fit(666.0, 500.0, 900.0)
    both = headline(_track(None, {"date": "2022-11-30", "before": single, "after": after}, **overall))
    assert both.before == "no frontier line (26 models: the frontier is a single date)"
    assert both.before_short == "no frontier line (26 models)"
    assert both.overall == "doubles every 21.9 months, 90% interval 16.4 to 29.6"


def _trend(site_inputs: dict[str, Path], track: str) -> dict[str, Any]:
    return json.loads((site_inputs["fit"] / "tracks" / track / "trend.json").read_text(encoding="utf-8"))


def test_both_pages_carry_each_tracks_verdict_from_the_fit_outputs(
    built_site: Path, site_inputs: dict[str, Path]
) -> None:
    default, others = track_ids(site_inputs["fit"])
    law = (built_site / "densing-law" / "index.html").read_text(encoding="utf-8")
    for track in [default, *others]:
        verdict = _trend(site_inputs, track)["verdict"]
        page = "index.html" if track == default else f"track/{track}/index.html"
        home = (built_site / page).read_text(encoding="utf-8")
        for text in (home, law):
            box = re.search(
                rf'<details class="verdict verdict--(\w+)[^"]*"[^>]*data-track="{track}".*?</details>',
                text,
                re.S,
            )
            assert box is not None, track
            assert box.group(1) == verdict["verdict"]
            window = verdict["window"]
            assert f"{window['start']} to {window['end']}" in box.group(0)
            if verdict.get("earlier"):
                months = verdict["earlier"]["doubling_days"] / DAY
                assert f"doubles every {months:.1f} months" in box.group(0)
        assert 'id="lb-verdict"' in home and "<details" in home
    assert law.count('<details class="verdict ') == 1 + len(others)
    table = law.split('<table class="densing-table verdict-table')[1].split("</table>")[0]
    assert table.count("<tr>") == 2 + len(others)  # the header and one row per track


def test_the_trend_citation_names_the_fit_since_chatgpt() -> None:
    after = _fit(102.7, 91.6, 126.9, 10, 51)
    alone = _track(None, {"date": "2022-11-30", "before": None, "after": after}, **_fit(102.7, 91.6, 126.9))
    assert "(every one released after ChatGPT, 2022-11-30)" in trend_number(alone, "2026.12.3")
    overall = _fit(666.0, 500.0, 900.0, 8, 90)
    before = {"n_models": 26, "error": "the frontier is a single date", "doubling_days": None}
    both = _track(None, {"date": "2022-11-30", "before": before, "after": after}, **overall)
    words = trend_number(both, "2026.12.3")
    assert words.startswith("Track T track (t), ruler r: maximum density doubles every 21.9 months")
    assert (
        "; since ChatGPT (2022-11-30) it doubles every 3.4 months, 90% interval 3.0 to 4.2 (10 frontier"
        in words
    )
    assert words.endswith("data version 2026.12.3")
