"""Citable to the letter, in Chromium at 1400 px and on a 390x844 phone: the leaderboard's download
matches the view and names every number (rank range, track, data version, 90% intervals); rank
ranges are shown and explained; "Cite this" copies its text; the densing-law page's track select
switches the headline, fit table, frontier and citation along with the chart (and its downloads);
a tap on a chart point shows its details before opening the model page; model pages lead with a
summary on the first screen and fold the rest."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.site.test_site_browser import _leaderboard, _open, _problems, _visible_rows
from tests.site.tracks_fixture import track_ids

pytestmark = pytest.mark.browser

CSV_HEADER = [
    "rank",
    "rank 90% range low",
    "rank 90% range high",
    "model",
    "name",
    "track",
    "data_version",
    "density",
    "density 90% interval low",
    "density 90% interval high",
    "density_bound",
    "effective_params",
    "effective_params 90% interval low",
    "effective_params 90% interval high",
    "params",
    "released",
    "kind",
    "flags",
    "params_active",
    "rank per active parameter",
    "density per active parameter",
    "density per active parameter 90% interval low",
    "density per active parameter 90% interval high",
    "view ranked per",
]
DESKTOP = {"width": 1400, "height": 1000, "deviceScaleFactor": 1, "mobile": False}


def _densities(site_inputs: dict[str, Path], track: str) -> pd.DataFrame:
    return pd.read_csv(site_inputs["fit"] / "tracks" / track / "densities.csv").set_index("model")


def _version(site_inputs: dict[str, Path]) -> str:
    default, _ = track_ids(site_inputs["fit"])
    return str(
        pd.read_json(site_inputs["fit"] / "tracks" / default / "trend.json", typ="series")["data_version"]
    )


def test_the_download_matches_the_view_and_names_every_number(
    browser: Any, site_url: str, site_inputs: dict[str, Path]
) -> None:
    default, _ = track_ids(site_inputs["fit"])
    fit = _densities(site_inputs, default)
    _leaderboard(browser, site_url + "?all=1&sort=params&dir=asc")
    table = browser.find_element(By.ID, "leaderboard")
    rows = list(
        csv.DictReader(io.StringIO(browser.execute_script("return arguments[0].densingCsv()", table)))
    )
    assert list(rows[0]) == CSV_HEADER
    assert [r["model"] for r in rows] == [r["id"] for r in _visible_rows(browser)]  # this view, in its order
    assert {r["track"] for r in rows} == {default} and {r["data_version"] for r in rows} == {
        _version(site_inputs)
    }
    ranked = [r for r in rows if r["rank"]]
    assert ranked and len(ranked) == int(fit["rank"].notna().sum())  # the rank column is filled
    for r in rows:
        truth = fit.loc[r["model"]]
        if pd.isna(truth["rank"]):
            assert r["rank"] == r["rank 90% range low"] == r["rank 90% range high"] == ""
            continue
        assert int(r["rank"]) == truth["rank"]
        assert (int(r["rank 90% range low"]), int(r["rank 90% range high"])) == (
            truth["rank_low"],
            truth["rank_high"],
        )
        assert float(r["density 90% interval low"]) == pytest.approx(truth["density_low"], rel=1e-5)
        assert float(r["density 90% interval high"]) == pytest.approx(truth["density_high"], rel=1e-5)
        assert float(r["effective_params 90% interval low"]) == pytest.approx(
            truth["effective_params_low"], rel=1e-5
        )
    side = {"above_ruler": "lower bound", "below_ruler": "upper bound"}
    for r in rows:  # a density that is only a bound says so
        flags = set(str(fit.loc[r["model"], "flags"]).split(";"))
        expected = [side[f] for f in side if f in flags]
        assert r["density_bound"] == (expected[0] if len(expected) == 1 else ""), r
    for r in rows:  # density per active parameter: its own columns, for every row
        truth = fit.loc[r["model"]]
        assert r["view ranked per"] == "total parameter"
        if not pd.isna(truth["density_active"]):
            assert float(r["density per active parameter"]) == pytest.approx(
                truth["density_active"], rel=1e-5
            )
        if not pd.isna(truth["rank_active"]):
            assert int(r["rank per active parameter"]) == truth["rank_active"]
        assert (r["params_active"] != "") == (not pd.isna(truth["params_active"]))


def test_rank_ranges_are_shown_under_each_rank_and_explained(
    browser: Any, site_url: str, site_inputs: dict[str, Path]
) -> None:
    default, _ = track_ids(site_inputs["fit"])
    fit = _densities(site_inputs, default)
    _leaderboard(browser, site_url)
    cells = browser.execute_script(
        "return Array.from(document.querySelectorAll('#leaderboard tbody tr')).filter(r => !r.hidden)"
        ".map(r => [r.dataset.id, r.cells[0].querySelector('small').textContent])"
    )
    assert cells
    for model, shown in cells:
        assert shown == f"{int(fit.loc[model, 'rank_low'])}–{int(fit.loc[model, 'rank_high'])}"
    widths = [int(fit.loc[m, "rank_high"] - fit.loc[m, "rank_low"]) for m, _ in cells]
    assert max(widths) > 0  # some readings overlap their neighbours
    head = browser.find_element(By.CSS_SELECTOR, "#leaderboard thead").text
    assert "90% range" in head and "90% interval" in head  # every second line says what it is
    legend = browser.find_element(By.ID, "lb-legend")
    legend.find_element(By.TAG_NAME, "summary").click()
    assert "90% rank range" in legend.text and "independent" in legend.text
    assert not _problems(browser)


def _ranked_model(site_inputs: dict[str, Path]) -> str:
    default, _ = track_ids(site_inputs["fit"])
    fit = _densities(site_inputs, default)
    return str(fit[fit["rank"] == 1].index[0])


def test_cite_this_copies_its_text_or_selects_it(
    browser: Any, site_url: str, site_inputs: dict[str, Path]
) -> None:
    model = _ranked_model(site_inputs)
    browser.execute_cdp_cmd(
        "Browser.grantPermissions",
        {"origin": site_url.rstrip("/"), "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]},
    )
    _open(browser, site_url + f"models/{model}/")
    box = browser.find_element(By.CSS_SELECTOR, ".model-summary-lead details.cite-box")
    box.find_element(By.TAG_NAME, "summary").click()
    bibtex = box.find_element(By.CSS_SELECTOR, "pre.cite-bibtex").get_attribute("textContent")
    assert "90\\% interval" in bibtex and "90\\% rank range" in bibtex and "version = {" in bibtex
    buttons = box.find_elements(By.CSS_SELECTOR, "button.cite-copy")
    assert len(buttons) == 2 and all(b.is_displayed() for b in buttons)
    buttons[1].click()
    WebDriverWait(browser, 5).until(lambda d: buttons[1].text in ("Copied", "Selected: press Ctrl+C"))
    if buttons[1].text == "Copied":
        copied = browser.execute_async_script(
            "navigator.clipboard.readText().then(arguments[0], e => arguments[0]('error: ' + e))"
        )
        assert copied == bibtex
    else:  # the browser refused the clipboard: the text is selected instead
        assert browser.execute_script("return window.getSelection().toString()") == bibtex
    browser.execute_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    buttons[0].click()  # no clipboard at all: the fallback selects the plain text
    WebDriverWait(browser, 5).until(lambda d: buttons[0].text == "Selected: press Ctrl+C")
    plain = box.find_element(By.CSS_SELECTOR, "pre.cite-text").get_attribute("textContent")
    assert browser.execute_script("return window.getSelection().toString()") == plain
    assert not _problems(browser)


def test_model_page_leads_with_its_summary_and_folds_the_rest(
    browser: Any, site_url: str, site_inputs: dict[str, Path]
) -> None:
    model = _ranked_model(site_inputs)
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", DESKTOP)
    try:
        _open(browser, site_url + f"models/{model}/")
        first = browser.execute_script(
            """
            const bottom = s => document.querySelector(s).getBoundingClientRect().bottom;
            return {lead: bottom('.model-summary-lead > p'),
                    cite: bottom('.model-summary-lead .cite-box > summary'),
                    scoresOpen: document.getElementById('scores').open,
                    scoresShown: document.querySelector('table.model-scores').checkVisibility(),
                    folded: Array.from(document.querySelectorAll('section.model-track > details'))
                      .map(d => d.open)};
            """
        )
        assert first["lead"] < 1000 and first["cite"] < 1000  # density, rank range and citation: first screen
        assert not first["scoresOpen"] and not first["scoresShown"]
        assert first["folded"][0] and not any(first["folded"][1:])  # the lead track open, the others folded
        browser.find_element(By.CSS_SELECTOR, "#scores > summary").click()
        assert browser.execute_script("return document.querySelector('table.model-scores').checkVisibility()")
        lead = browser.find_element(By.CSS_SELECTOR, ".model-summary-lead").text
        assert "90% interval" in lead and "90% rank range" in lead
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert not _problems(browser)


def _saved_downloads(browser: Any) -> None:
    browser.execute_script(
        "window.__saved = []; HTMLAnchorElement.prototype.click = function () {"
        " if (this.download) window.__saved.push(this.download); };"
    )


def test_the_track_select_switches_headline_fit_frontier_citation_and_downloads(
    browser: Any, site_url: str, site_inputs: dict[str, Path]
) -> None:
    default, others = track_ids(site_inputs["fit"])
    other, version = others[0], _version(site_inputs)
    _open(browser, site_url + "densing-law/")
    WebDriverWait(browser, 20).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "figure.densing-chart--drawn")
    )
    shown = "return Array.from(document.querySelectorAll('.dl-variant.is-shown')).map(v => v.dataset.track)"
    assert set(browser.execute_script(shown)) == {default}
    headline = browser.find_element(By.CSS_SELECTOR, ".dl-variant.is-shown .dl-headline").text
    verdict = browser.find_element(By.CSS_SELECTOR, ".dl-variant.is-shown details.verdict")
    assert verdict.get_attribute("data-track") == default and verdict.is_displayed()
    fit_top = browser.find_element(By.ID, "fit").rect["y"]
    select = next(
        Select(s)
        for s in browser.find_elements(By.CSS_SELECTOR, ".vega-bind select")
        if any(o.get_attribute("value") == other for o in Select(s).options)
    )
    select.select_by_value(other)
    WebDriverWait(browser, 5).until(lambda d: set(d.execute_script(shown)) == {other})
    assert browser.find_element(By.CSS_SELECTOR, ".dl-variant.is-shown .dl-headline").text != headline
    assert f"track={other}" in browser.current_url  # the view is kept in the address
    visible = browser.execute_script(
        "return Array.from(document.querySelectorAll('.dl-variant'))"
        ".filter(v => getComputedStyle(v).visibility === 'visible')"
        ".map(v => [v.dataset.track, v.textContent])"
    )
    # headline and verdict, citation, fit table, forecast, frontier
    assert [t for t, _ in visible] == [other] * 5
    tracks = json.loads((site_inputs["fit"] / "tracks.json").read_text(encoding="utf-8"))["tracks"]
    label = next(t["label"] for t in tracks if t["id"] == other)
    assert all(label in text for _, text in visible), visible
    assert browser.find_element(By.ID, "fit").rect["y"] == fit_top  # no layout jump
    title = browser.execute_script(
        "return Array.from(document.querySelectorAll('.densing-chart__view .role-title-text text tspan'))"
        ".map(t => t.textContent).join(' ')"
    )
    assert f"track {other}" in title and version in title
    _saved_downloads(browser)
    for link in ("a.densing-chart__svg", "button[data-format='png']", "button[data-format='csv']"):
        browser.find_element(By.CSS_SELECTOR, link).click()
    WebDriverWait(browser, 5).until(lambda d: len(d.execute_script("return window.__saved")) == 3)
    assert browser.execute_script("return window.__saved") == [
        f"densing-law-{other}-{version}.{ext}" for ext in ("svg", "png", "csv")
    ]
    table = browser.execute_script(
        "const f = document.querySelector('figure.densing-chart');"
        "return window.densingChartCsv(f, JSON.parse(f.querySelector('.densing-chart__spec').textContent))"
    )
    rows = list(csv.DictReader(io.StringIO(table)))
    assert rows and {r["track"] for r in rows} == {other}
    assert "density 90% interval low" in rows[0]
    assert not _problems(browser)


def _tap(driver: Any, x: float, y: float) -> None:
    """A real tap (touch events, as a finger makes them) at viewport point (x, y)."""
    driver.execute_cdp_cmd(
        "Input.dispatchTouchEvent",
        {"type": "touchStart", "touchPoints": [{"x": x, "y": y, "radiusX": 0.5, "radiusY": 0.5}]},
    )
    driver.execute_cdp_cmd("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def _centre(driver: Any, script: str) -> list[Any]:
    return driver.execute_script(
        script
        + "el.scrollIntoView({block: 'center', behavior: 'instant'}); const b = el.getBoundingClientRect();"
        "return [b.left + b.width / 2, b.top + b.height / 2];"
    )


TOP_POINT = """
const circles = Array.from(document.querySelectorAll('.lb-chart__compact svg a circle'));
circles[0].closest('svg').scrollIntoView({block: 'center', behavior: 'instant'});
const centre = c => {
  const b = c.getBoundingClientRect();
  return [b.left + b.width / 2, b.top + b.height / 2];
};
const gap = (a, b) => Math.hypot(centre(a)[0] - centre(b)[0], centre(a)[1] - centre(b)[1]);
const far = c => Math.min(...circles.filter(o => o !== c).map(o => gap(o, c)));
const best = circles.reduce((a, b) => far(b) > far(a) ? b : a);
return [...centre(best), best.parentNode.getAttribute('href')];
"""
"""The point of the phone chart farthest from any other (a finger's tap on it is unambiguous): its
centre and its link."""


def test_a_tap_on_a_chart_point_shows_its_details_before_opening_its_page(phone: Any, site_url: str) -> None:
    _leaderboard(phone, site_url)
    x, y, href = phone.execute_script(TOP_POINT)
    _tap(phone, x, y)
    tip = WebDriverWait(phone, 5).until(lambda d: d.find_element(By.CSS_SELECTOR, ".chart-tip"))
    assert phone.current_url == site_url  # the first tap did not leave the page
    assert tip.is_displayed() and "density" in tip.text and "90% interval" in tip.text
    assert tip.find_element(By.TAG_NAME, "a").get_attribute("href").endswith(href)
    _tap(phone, x, y)
    WebDriverWait(phone, 10).until(lambda d: d.current_url.endswith(href))
    _open(phone, site_url + "densing-law/")
    WebDriverWait(phone, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "figure.densing-chart--drawn"))
    x, y = _centre(phone, "const el = document.querySelector('.densing-chart__view g.mark-symbol path');")
    _tap(phone, x, y)
    tip = WebDriverWait(phone, 5).until(lambda d: d.find_element(By.CSS_SELECTOR, ".chart-tip"))
    assert phone.current_url.endswith("/densing-law/") and "Density 90% interval" in tip.text
    target = tip.find_element(By.TAG_NAME, "a").get_attribute("href")
    _tap(phone, x, y)
    WebDriverWait(phone, 10).until(lambda d: d.current_url == target)
    assert not _problems(phone)
