"""The calculator on the shipped records, in Chromium: the recorded scores of more than twenty models
(every track; bounds, bridged, chained, unstated, derived, mixture-of-experts and reference readings)
fed through the page give densities_by_track.csv's numbers to 1e-6 relative, at 1400 and 390 px; the
engine gives every recorded model's reading on every track; ``densing density`` gives the CSV's."""

from __future__ import annotations

import csv
import json
import math
import os
from typing import Any
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from densing_cli.main import cli
from densing_data import load
from densing_fit.calculator.presets import presets
from tests.site.calculator_site import READ_PAGE, shared_calculator_site
from tests.site.local_server import serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TRACKS = ("paper-settings", "frontier", "uniform-harness", "loss-based")
CATEGORIES = (
    "above_ruler",
    "below_ruler",
    "bridged",
    "chained",
    "protocol_unstated",
    "not_base",
    "reference_model",
    "imprecise",
    "protocol_left_out",
)
NUMBERS = ("density", "effective_params", "density_active")
"""Numbers every reading with a density has (a bound has no interval)."""
INTERVALS = ("density_low", "density_high", "density_active_low", "density_active_high")


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    base = tmp_path_factory.getbasetemp()  # a worker's own folder inside the run's, under xdist
    paths = shared_calculator_site(base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base)
    with (paths["fit"] / "densities_by_track.csv").open(encoding="utf-8") as handle:
        rows = {(r["model"], r["track"]): r for r in csv.DictReader(handle)}
    doc = json.loads((paths["fit"] / "calculator.json").read_text(encoding="utf-8"))
    with serve(paths["site"]) as url:
        yield {
            "rows": rows,
            "full": json.loads(paths["full"].read_text(encoding="utf-8")),
            "url": url,
            "doc": doc,
            "presets": {p["id"]: p for p in presets(load(), doc["benchmarks"])},
        }


def chosen_models(rows: dict[tuple[str, str], dict[str, str]]) -> list[str]:
    """On each track the first model (by id) of each kind of reading, then citable and
    mixture-of-experts ones, until there are at least 24."""
    chosen: list[str] = []
    for track in TRACKS:
        on_track = sorted(m for m, t in rows if t == track)
        for category in CATEGORIES:
            hit = next((m for m in on_track if category in rows[(m, track)]["flags"].split(";")), None)
            if hit and hit not in chosen:
                chosen.append(hit)
        for m in on_track:
            row = rows[(m, track)]
            if row["density_active"] != row["density"] and m not in chosen:
                chosen.append(m)
                break
    citable = sorted({m for (m, t), r in rows.items() if r["citable"] == "true"})
    for m in citable[:: max(1, len(citable) // 10)]:
        if len(chosen) >= 24:
            break
        if m not in chosen:
            chosen.append(m)
    return chosen


def address(preset: dict[str, Any], version: str) -> str:
    """The page's address for a recorded model's inputs (as the page writes it after a preset)."""
    query = [("v", version), ("model", preset["id"]), ("total", str(preset["params_total"]))]
    if preset["params_active"]:
        query.append(("active", str(preset["params_active"])))
    query += [("date", preset["release_date"]), ("kind", preset["kind"])]
    query += [("s", spec) for spec in preset["scores"]]
    return "calculator/?" + urlencode(query)


def wait_ready(driver: Any) -> None:
    WebDriverWait(driver, 20).until(
        lambda d: (
            d.execute_script("return document.documentElement.getAttribute('data-calculator')") is not None
        )
    )
    assert driver.execute_script("return document.documentElement.getAttribute('data-calculator')") == "ready"


def relative(a: float, b: float) -> float:
    return abs(a - b) / abs(b)


def check_page(shipped: dict[str, Any], model: str, found: list[dict[str, str]]) -> set[str]:
    """The page's readings of ``model`` against the CSV and the fitter's unrounded numbers; the
    categories they covered."""
    by_track = {f["track"]: f for f in found}
    assert set(by_track) == set(TRACKS), (model, list(by_track))
    covered = set()
    for track in TRACKS:
        page, row = by_track[track], shipped["rows"].get((model, track))
        if row is None:  # no density on this track in the CSV: none on the page either
            assert "density" not in page and "no_density" in page, (model, track, page)
            continue
        for key in NUMBERS:
            value = float(page[key])
            assert relative(value, shipped["full"][track][model][key]) <= 1e-6, (model, track, key)
            assert relative(value, float(row[key])) <= 5e-6 + 1e-6, (model, track, key, value, row[key])
            assert "%.6g" % value == row[key] or relative(value, float(row[key])) < 1e-6  # noqa: UP031
        for key in INTERVALS:
            if row[key]:
                assert relative(float(page[key]), shipped["full"][track][model][key]) <= 1e-6
            else:
                assert page.get(key, "") == "", (model, track, key)
        assert page.get("flags", "") == row["flags"], (model, track)
        assert page.get("rank", "") == row["rank"], (model, track)
        if row["citable"] == "true":
            assert page["rank_active"] == row["rank_active"], (model, track)
        bound = {"above_ruler": "at_least", "below_ruler": "at_most"}
        sides = [bound[f] for f in row["flags"].split(";") if f in bound]
        assert page.get("bound", "") == (sides[0] if len(sides) == 1 else ""), (model, track)
        covered |= set(row["flags"].split(";")) | {f"{track}:{f}" for f in row["flags"].split(";") if f}
    return covered


@pytest.mark.parametrize("width", [1400, 390])
def test_recorded_scores_through_the_page_give_the_fit_numbers(
    browser: Any, shipped: dict[str, Any], width: int
) -> None:
    models = chosen_models(shipped["rows"])
    assert len(models) >= 20
    if width < 800:
        browser.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": 844, "deviceScaleFactor": 1, "mobile": True},
        )
    try:
        covered: set[str] = set()
        for model in models:
            browser.get(shipped["url"] + address(shipped["presets"][model], shipped["doc"]["data_version"]))
            wait_ready(browser)
            covered |= check_page(shipped, model, browser.execute_script(READ_PAGE))
            assert browser.find_element(By.ID, "calc-errors").get_attribute("hidden") is not None
            if width < 800:
                assert browser.execute_script("return document.documentElement.scrollWidth") <= width
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    for track in TRACKS:  # every track, bounds included
        assert f"{track}:above_ruler" in covered or f"{track}:below_ruler" in covered, track
    assert {"bridged", "chained", "protocol_unstated", "not_base", "reference_model", "imprecise"} <= covered


def test_a_preset_fills_the_form_with_the_recorded_model(browser: Any, shipped: dict[str, Any]) -> None:
    model = next(m for m in chosen_models(shipped["rows"]) if shipped["rows"].get((m, "loss-based")))
    browser.get(shipped["url"] + "calculator/")
    wait_ready(browser)
    search = browser.find_element(By.ID, "calc-preset")
    search.click()
    WebDriverWait(browser, 10).until(
        lambda d: (
            d.execute_script("return document.querySelectorAll('#calc-preset-list option').length") > 200
        )
    )
    search.send_keys(shipped["presets"][model]["name"])
    browser.find_element(By.ID, "calc-preset-fill").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".calc-track"))
    preset = shipped["presets"][model]
    assert browser.find_element(By.ID, "calc-total").get_attribute("value") == str(preset["params_total"])
    assert browser.find_element(By.ID, "calc-date").get_attribute("value") == preset["release_date"]
    assert len(browser.find_elements(By.CSS_SELECTOR, "#calc-rows tr")) == len(preset["scores"])
    check_page(shipped, model, browser.execute_script(READ_PAGE))
    assert f"model={model}" in browser.current_url
    assert f"--as-model {model}" in browser.find_element(By.ID, "calc-cli").text


def test_the_engine_reads_every_recorded_model_as_the_fit(browser: Any, shipped: dict[str, Any]) -> None:
    """Every preset through the page's engine (no form), against the fitter's unrounded numbers."""
    browser.get(shipped["url"] + "calculator/")
    wait_ready(browser)
    script = """
    const [doc, presets] = arguments;
    const parse = (spec) => {
      const m = /^([^=]+)=([^:@]*):([^:@]*):([^:@]*)(?:@(.*))?$/.exec(spec);
      const cot = {cot: true, nocot: false}[m[4]];
      return {benchmark: m[1], value: Number(m[2]), shots: m[3] === '?' ? null : Number(m[3]),
              cot: cot === undefined ? null : cot, protocol: m[5] || ''};
    };
    return presets.map((p) => [p.id, DensingEngine.readModel(doc, {
      paramsTotal: p.params_total, paramsActive: p.params_active, releaseDate: p.release_date, kind: p.kind,
      modelId: p.id, scores: p.scores.map(parse)}).map((o) => [o.track, o.density, o.densityLow,
      o.densityHigh, o.effectiveParams, o.densityActive, o.flags.join(';'), o.rank])]);
    """
    readings = browser.execute_script(script, shipped["doc"], list(shipped["presets"].values()))
    compared = 0
    for model, tracks in readings:
        for track, density, low, high, size, active, flags, rank in tracks:
            row = shipped["rows"].get((model, track))
            if row is None:
                assert density is None, (model, track)
                continue
            full = shipped["full"][track][model]
            for value, key in ((density, "density"), (size, "effective_params"), (active, "density_active")):
                assert relative(value, full[key]) <= 1e-6, (model, track, key)
            for value, key in ((low, "density_low"), (high, "density_high")):
                assert (value is None) == (full[key] is None or math.isnan(full[key]))
                if value is not None:
                    assert relative(value, full[key]) <= 1e-6, (model, track, key)
            assert flags == row["flags"] and str(rank or "") == row["rank"], (model, track)
            compared += 1
    assert compared == len(shipped["rows"])


def test_densing_density_gives_the_csv_numbers(shipped: dict[str, Any]) -> None:
    model = next(m for m in chosen_models(shipped["rows"]) if shipped["rows"].get((m, "loss-based")))
    result = CliRunner().invoke(cli, ["density", "--from-model", model, "--json"])
    assert result.exit_code == 0, result.output
    tracks = {t["track"]: t for t in json.loads(result.output)["tracks"]}
    for track in TRACKS:
        row = shipped["rows"].get((model, track))
        if row is None:
            assert tracks[track]["density"] is None
            continue
        for key in (*NUMBERS, *(k for k in INTERVALS if row[k])):
            assert relative(tracks[track][key], shipped["full"][track][model][key]) <= 1e-12, (track, key)
            assert "%.6g" % tracks[track][key] == row[key]  # noqa: UP031
        assert (
            ";".join(tracks[track]["flags"]) == row["flags"]
            and str(tracks[track]["rank"] or "") == row["rank"]
        )


def test_the_calculator_data_is_named_by_its_data_version(browser: Any, shipped: dict[str, Any]) -> None:
    version = shipped["doc"]["data_version"]
    assert version == load().version
    browser.get(shipped["url"] + "calculator/")
    wait_ready(browser)
    config = json.loads(browser.find_element(By.ID, "calc-config").get_attribute("textContent"))
    assert config["data"] == f"density-{version}.json" and config["presets"] == f"presets-{version}.json"
    loaded = browser.execute_script("return performance.getEntriesByType('resource').map((e) => e.name)")
    assert any(name.endswith(f"calculator/density-{version}.json") for name in loaded)
    assert not any("presets-" in name for name in loaded)  # the presets wait until the search is used
    assert not any(name.endswith(("leaderboard.js", "charts.js", "cite.js")) for name in loaded)
