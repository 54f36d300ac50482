"""Issue 20 in Chromium, at 1400x1000 and on a 390x844 phone: the verdict leads the leaderboard (with
the table still on the first screen) and the densing-law page (every track, switching with the track
select); density per total or per active parameter switches the leaderboard's ranking and the
densing-law chart, kept in the address; bounds are open markers in the explorable chart."""

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

from tests.site.conftest import PHONE
from tests.site.test_site_browser import _leaderboard, _open, _problems, _visible_rows
from tests.site.tracks_fixture import track_ids

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1400, "height": 1000, "deviceScaleFactor": 1, "mobile": False}
DAY = 30.44
WORDS = {"holding": "Holding", "faster": "Faster", "slowed": "Slowed", "undecided": "Not yet decidable"}


def _trend(site_inputs: dict[str, Path], track: str) -> dict[str, Any]:
    return json.loads((site_inputs["fit"] / "tracks" / track / "trend.json").read_text(encoding="utf-8"))


def _densities(site_inputs: dict[str, Path], track: str) -> pd.DataFrame:
    return pd.read_csv(site_inputs["fit"] / "tracks" / track / "densities.csv").set_index("model")


def _box(driver: Any, selector: str) -> dict[str, Any]:
    return driver.execute_script(
        "const e = document.querySelector(arguments[0]); const b = e.getBoundingClientRect();"
        "return {top: b.top, bottom: b.bottom, left: b.left, right: b.right, open: e.open, text: e.innerText,"
        " word: e.dataset.verdict};",
        selector,
    )


def test_the_verdict_leads_the_leaderboard_with_the_table_on_the_first_screen(
    browser: Any, site_url: str, site_inputs: dict[str, Path]
) -> None:
    default, _ = track_ids(site_inputs["fit"])
    trend = _trend(site_inputs, default)
    verdict = trend["verdict"]
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", DESKTOP)
    try:
        _leaderboard(browser, site_url)
        box = _box(browser, "#lb-verdict")
        table_top = browser.execute_script(
            "return document.getElementById('leaderboard').getBoundingClientRect().top"
        )
        headline = browser.find_element(By.ID, "lb-headline").text
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert box["open"] and box["word"] == verdict["verdict"]  # opened on a wide screen, the fit's verdict
    assert box["top"] >= 0 and box["bottom"] <= 1000  # all of it on the first screen
    assert WORDS[verdict["verdict"]] in box["text"]
    assert f"{verdict['window']['start']} to {verdict['window']['end']}" in box["text"]
    if verdict.get("earlier"):
        assert f"doubles every {verdict['earlier']['doubling_days'] / DAY:.1f} months" in box["text"]
    assert table_top < 1000  # the table still starts on the first screen
    after = trend["cut"]["after"]
    assert (
        headline.startswith("Since ChatGPT")
        and f"doubles every {after['doubling_months']:.1f} months" in headline
    )
    assert not _problems(browser)


def test_on_a_phone_the_verdict_is_one_line_that_opens(
    phone: Any, site_url: str, site_inputs: dict[str, Path]
) -> None:
    default, _ = track_ids(site_inputs["fit"])
    verdict = _trend(site_inputs, default)["verdict"]
    _leaderboard(phone, site_url)
    box = _box(phone, "#lb-verdict")
    line = phone.execute_script(
        "return parseFloat(getComputedStyle(document.querySelector('#lb-verdict > summary')).lineHeight)"
    )
    assert not box["open"] and box["bottom"] <= 844 and box["right"] <= 390
    assert box["bottom"] - box["top"] < 2.6 * line + 12  # folded: its one-line summary (and frame)
    assert WORDS[verdict["verdict"]] in box["text"]
    phone.find_element(By.CSS_SELECTOR, "#lb-verdict > summary").click()
    opened = _box(phone, "#lb-verdict")
    assert opened["open"] and "Last 12 months" in opened["text"] and opened["right"] <= 390
    width = phone.execute_script("return document.documentElement.scrollWidth")
    assert width <= 390
    assert not _problems(phone)


def test_the_densing_law_page_gives_every_tracks_verdict(
    browser: Any, site_url: str, site_inputs: dict[str, Path]
) -> None:
    default, others = track_ids(site_inputs["fit"])
    for metrics in (PHONE, DESKTOP):
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
        _open(browser, site_url + "densing-law/")
        WebDriverWait(browser, 20).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, "figure.densing-chart--drawn")
        )
        box = _box(browser, ".dl-variant.is-shown details.verdict")
        assert box["open"] and box["word"] == _trend(site_inputs, default)["verdict"]["verdict"]
        assert box["left"] >= 0 and box["right"] <= metrics["width"]
        assert browser.execute_script("return document.documentElement.scrollWidth") <= metrics["width"]
        rows = browser.execute_script(
            "return Array.from(document.querySelectorAll('.verdict-table tbody tr')).map(r => r.innerText)"
        )
        assert len(rows) == 1 + len(others)
        for track, row in zip([default, *others], rows, strict=True):
            verdict = _trend(site_inputs, track)["verdict"]
            assert WORDS[verdict["verdict"]] in row
            assert f"{verdict['window']['start']} to {verdict['window']['end']}" in row  # the window dates
    select = next(
        Select(s)
        for s in browser.find_elements(By.CSS_SELECTOR, ".vega-bind select")
        if any(o.get_attribute("value") == others[0] for o in Select(s).options)
    )
    select.select_by_value(others[0])
    WebDriverWait(browser, 5).until(
        lambda d: (
            _box(d, ".dl-variant.is-shown details.verdict")["word"]
            == _trend(site_inputs, others[0])["verdict"]["verdict"]
        )
    )
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert not _problems(browser)


def _order(browser: Any) -> list[str]:
    return [r["id"] for r in _visible_rows(browser)]


def test_density_per_active_parameter_reranks_the_leaderboard(
    browser: Any, site_url: str, site_inputs: dict[str, Path]
) -> None:
    default, _ = track_ids(site_inputs["fit"])
    fit = _densities(site_inputs, default)
    moe = fit[fit["params_active"].notna() & fit["rank_active"].notna() & fit["flags"].isna()]
    assert len(moe)  # the synthetic records hold a ranked mixture of experts
    _leaderboard(browser, site_url)
    by_total = _order(browser)
    assert by_total == list(fit["rank"].dropna().sort_values(kind="mergesort").index)
    Select(browser.find_element(By.ID, "lb-per")).select_by_value("active")
    assert "per=active" in browser.current_url
    by_active = _order(browser)
    assert by_active == list(fit.loc[by_total, "rank_active"].sort_values(kind="mergesort").index)
    model = moe.index[0]
    cell = browser.find_element(By.CSS_SELECTOR, f"#leaderboard tr[data-id='{model}'] td:nth-child(3)").text
    assert (
        cell.split("\n")[0] == f"{fit.loc[model, 'density_active']:.3g}" != f"{fit.loc[model, 'density']:.3g}"
    )
    assert "per active parameter" in browser.find_element(By.ID, "lb-default-note").text
    table = browser.find_element(By.ID, "leaderboard")
    rows = list(
        csv.DictReader(io.StringIO(browser.execute_script("return arguments[0].densingCsv()", table)))
    )
    assert [r["model"] for r in rows] == by_active and {r["view ranked per"] for r in rows} == {
        "active parameter"
    }
    assert float(rows[by_active.index(model)]["density"]) == pytest.approx(
        fit.loc[model, "density"], rel=1e-5
    )
    _leaderboard(browser, site_url + "?per=active")  # the address restores the view
    assert _order(browser) == by_active
    Select(browser.find_element(By.ID, "lb-per")).select_by_value("")
    assert _order(browser) == by_total and "per=" not in browser.current_url
    _leaderboard(browser, site_url + "?per=passive")
    assert "per=passive" in browser.find_element(By.ID, "lb-url-problems").text
    assert _order(browser) == by_total
    assert not _problems(browser)


_SYMBOLS = """
const view = document.querySelector('figure.densing-chart--drawn').densingView;
const out = [];
(function walk(node) {
  for (const item of node.items || []) {
    if (item.mark && item.mark.marktype === 'symbol' && item.datum && item.datum.model) {
      out.push([item.datum.model, !!item.datum.bound, item.fill || '', item.datum.rho]);
    }
    if (item.items) walk(item);
  }
})(view.scenegraph().root);
return out;
"""


def test_the_densing_law_chart_switches_to_active_parameters_and_draws_bounds_open(
    browser: Any, site_url: str, site_inputs: dict[str, Path]
) -> None:
    default, _ = track_ids(site_inputs["fit"])
    fit = _densities(site_inputs, default)
    _open(browser, site_url + "densing-law/?per=active")
    WebDriverWait(browser, 20).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "figure.densing-chart--drawn")
    )
    view = "document.querySelector('figure.densing-chart--drawn').densingView"
    assert browser.execute_script(f"return {view}.signal('per')") == "active"
    symbols = browser.execute_script(_SYMBOLS)
    shown = {m: rho for m, _, _, rho in symbols}
    assert set(shown) == set(fit.index[fit["density_active"] > 0])
    for model, rho in shown.items():
        assert rho == pytest.approx(fit.loc[model, "density_active"], rel=1e-6)
    bounds = {m for m, bound, _, _ in symbols if bound}
    flagged = {m for m in shown if any(f in str(fit.loc[m, "flags"]) for f in ("above_ruler", "below_ruler"))}
    assert bounds == flagged and bounds  # every bound, and only bounds, drawn as a bound
    assert all(fill in ("", "transparent", "none") for m, bound, fill, _ in symbols if bound)  # open
    title = browser.execute_script(
        "return Array.from(document.querySelectorAll('.densing-chart__view .role-title-text text tspan'))"
        ".map(t => t.textContent).join(' ')"
    )
    assert "density per active parameter" in title
    per = next(
        Select(s)
        for s in browser.find_elements(By.CSS_SELECTOR, ".vega-bind select")
        if any(o.get_attribute("value") == "active" for o in Select(s).options)
    )
    per.select_by_value("total")
    WebDriverWait(browser, 5).until(lambda d: "per=" not in d.current_url)
    shown = {m: rho for m, _, _, rho in browser.execute_script(_SYMBOLS)}
    for model, rho in shown.items():
        assert rho == pytest.approx(fit.loc[model, "density"], rel=1e-6)
    _open(browser, site_url + "densing-law/?per=most")
    WebDriverWait(browser, 20).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "figure.densing-chart--drawn")
    )
    assert "per=most" in browser.find_element(By.CSS_SELECTOR, ".chart-url-problems").text
    assert not _problems(browser)
