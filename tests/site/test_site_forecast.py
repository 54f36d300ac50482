"""The forecast and the compare view in the built site (no browser): the numbers a model page states are
the fitted line's, recomputed here from trend.json; the densing-law chart draws the forecast as such;
the per-model compare files agree with densities.csv and keep record text inert; malformed forecasts
are clean errors."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from densing_fit.forecast.line import FrontierForecast
from densing_site.compare.data import _score
from densing_site.forecast.chart import LABEL, MARK, forecast_rows
from densing_site.forecast.model import ForecastOutputError, track_forecast
from densing_site.inputs.fit_tracks import Track
from densing_site.text.formatting import fmt_params
from tests.site.synthetic import HOSTILE_ID
from tests.site.tracks_fixture import track_ids


def _trend(fit: Path, track: str) -> dict[str, Any]:
    return json.loads((fit / "tracks" / track / "trend.json").read_text(encoding="utf-8"))


def _densities(fit: Path, track: str) -> pd.DataFrame:
    return pd.read_csv(fit / "tracks" / track / "densities.csv")


def _box(page: str, track: str) -> str:
    start = page.index(f'data-fc="../../forecast/{track}.json"')
    return page[start : page.index("</div>", start)]


def test_a_model_page_states_the_lines_match_date_and_smallest_model(
    built_site: Path, site_inputs: dict[str, Path]
) -> None:
    default, _ = track_ids(site_inputs["fit"])
    trend = _trend(site_inputs["fit"], default)
    line = FrontierForecast.from_document(trend["forecast"])
    frame = _densities(site_inputs["fit"], default)
    checked = 0
    for row in frame[
        frame["effective_params"].notna() & ~frame["flags"].fillna("").str.contains("_ruler")
    ].itertuples():
        page = (built_site / "models" / row.model / "index.html").read_text(encoding="utf-8")
        box = _box(page, default)
        assert "Forecast, not data" in box and f"data version {trend['data_version']}" in box
        match = line.match_day(row.effective_params, row.params_total / 2)
        end = dt.date.fromisoformat(trend["forecast"]["end"])
        assert f'<strong class="fc-date">{line.date(match.value).isoformat()}</strong>' in box
        assert f'<span class="fc-low">{line.date(match.low).isoformat()}</span>' in box
        assert f'<span class="fc-high">{line.date(match.high).isoformat()}</span>' in box
        smallest = line.smallest_params(row.effective_params, line.day(end))
        assert f'<strong class="fc-size">{fmt_params(smallest.value)}</strong>' in box
        assert f'value="{end.isoformat()}"' in box  # the date control starts at the forecast's end
        assert "90% interval" in box
        checked += 1
    assert checked >= 5


def test_the_forecast_file_is_the_trends_forecast(built_site: Path, site_inputs: dict[str, Path]) -> None:
    default, _ = track_ids(site_inputs["fit"])
    forecast = _trend(site_inputs["fit"], default)["forecast"]
    shipped = json.loads((built_site / "forecast" / f"{default}.json").read_text(encoding="utf-8"))
    assert shipped["lines"] == forecast["lines"] and shipped["percentiles"] == forecast["percentiles"]
    assert shipped["data_version"] == _trend(site_inputs["fit"], default)["data_version"]


def test_the_densing_law_chart_draws_the_forecast_as_a_forecast(
    built_site: Path, site_inputs: dict[str, Path]
) -> None:
    page = (built_site / "densing-law" / "index.html").read_text(encoding="utf-8")
    spec = json.loads(re.search(r'class="densing-chart__spec">(.*?)</script>', page).group(1))
    rows = [r for data in spec["datasets"].values() for r in data if r.get("kind") == LABEL]
    default, _ = track_ids(site_inputs["fit"])
    forecast = _trend(site_inputs["fit"], default)["forecast"]
    mine = [r for r in rows if r["track"] == default]
    assert [r["date"] for r in mine] == [p["date"] for p in forecast["points"]]
    assert all(r["low"] <= r["band_low"] < r["density"] < r["band_high"] <= r["high"] for r in mine)
    layers = spec["layer"]
    dashed = [la for la in layers if "strokeDash" in (la.get("encoding") or {})]
    assert dashed and dashed[0]["encoding"]["strokeDash"]["scale"]["domain"] == [LABEL]
    assert any(MARK in json.dumps(la.get("transform") or []) for la in layers)
    svg = (built_site / "charts" / "densing-law.svg").read_text(encoding="utf-8")
    assert MARK in svg and LABEL in svg  # the static fallback says it too
    section = page[page.index('id="forecast"') :]
    assert "Forecast, not data" in section and "Back-test" in section and "prediction interval" in section


def test_the_band_is_drawn_no_further_than_the_data_allows() -> None:
    trend = {
        "forecast": {
            "error": None,
            "points": [{"date": "2026-01-01", "density": 10.0, "low": 1e-9, "high": 1e9}],
        },
        "line": [{"date": "2025-01-01", "density": 5.0}],
    }
    track = Track("t", "T", "r", "", "", (), pd.DataFrame(), trend)
    points = pd.DataFrame({"track": ["t", "t"], "density": [0.5, 2.0]})
    (row,) = forecast_rows([track], points)
    assert row["band_high"] == pytest.approx(40.0) and row["band_low"] == pytest.approx(0.125)
    assert (row["low"], row["high"]) == (1e-9, 1e9)  # the true ends stay for the tooltip


@pytest.mark.parametrize(
    ("forecast", "message"),
    [
        ({"t0": "2023-01-01"}, "no 'lines'"),
        ([1, 2], "expected an object, got list"),
        (
            {
                "t0": "2023-01-01",
                "slope_per_day": 0.01,
                "intercept": -1,
                "percentiles": [5, 95],
                "slope_per_day_ci": [None, 0.02],
                "lines": {"slope": [0.01], "intercept": [-1]},
            },
            "wrong kind",
        ),
    ],
)
def test_a_malformed_forecast_is_a_clean_error_naming_the_track(forecast: Any, message: str) -> None:
    track = Track("odd-track", "Odd", "r", "", "", (), pd.DataFrame(), {"forecast": forecast})
    with pytest.raises(ForecastOutputError, match=rf"track 'odd-track', key 'forecast': .*{message}"):
        track_forecast(track)


def test_compare_files_carry_the_model_pages_numbers(built_site: Path, site_inputs: dict[str, Path]) -> None:
    default, others = track_ids(site_inputs["fit"])
    for track in [default, *others]:
        frame = _densities(site_inputs["fit"], track).set_index("model")
        for model in frame.index[frame["effective_params"].notna()]:
            data = json.loads(
                (built_site / "compare" / "models" / f"{model}.json").read_text(encoding="utf-8")
            )
            reading = data["tracks"][track]
            row = frame.loc[model]
            assert reading["density"] == pytest.approx(row["density"], rel=1e-6)
            if pd.notna(row["density_low"]):
                assert (reading["low"], reading["high"]) == pytest.approx(
                    (row["density_low"], row["density_high"]), rel=1e-6
                )
            for bench, part in reading["benchmarks"].items():
                if part["score_id"]:
                    score = data["scores"][part["score_id"]]
                    assert score["benchmark"] == bench and score["value"] == pytest.approx(part["score"])
                    assert score["shots"] == 5 and score["protocol"] == "synth-harness"


def test_compare_files_keep_record_text_inert(built_site: Path) -> None:
    raw = (built_site / "compare" / "models" / f"{HOSTILE_ID}.json").read_text(encoding="utf-8")
    assert "<" not in raw and "'" not in raw
    data = json.loads(raw)
    assert data["name"] == "<img src=x onerror=alert(1)>"  # the text itself, for textContent
    assert _score({"benchmark": "b", "source_url": "javascript:alert(1)"})["source_url"] is None


def test_the_compare_page_offers_every_model_and_model_pages_link_to_it(
    built_site: Path, site_inputs: dict[str, Path]
) -> None:
    page = (built_site / "compare" / "index.html").read_text(encoding="utf-8")
    meta = json.loads(
        re.search(r'<script type="application/json" id="cmp-meta">(.*?)</script>', page).group(1)
    )
    offered = [m[0] for m in meta["models"]]
    models = sorted(p.stem for p in (built_site / "compare" / "models").glob("*.json"))
    assert sorted(offered) == models
    default, _ = track_ids(site_inputs["fit"])
    frame = _densities(site_inputs["fit"], default)
    second = frame.loc[frame["rank"] == 2, "model"].iloc[0]
    first, third = (frame.loc[frame["rank"] == r, "model"].iloc[0] for r in (1, 3))
    model_page = (built_site / "models" / second / "index.html").read_text(encoding="utf-8")
    assert f'href="../../compare/?models={second},{first},{third}"' in model_page
    assert f'href="../../compare/?models={second}"' in model_page
