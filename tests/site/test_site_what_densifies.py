"""The "What densifies?" page in a real headless Chromium at 1400 and 390 px: the chart draws a line
and a band per fitted group and every reading of the track shown, the page never scrolls sideways,
the table gives every group read with its intervals, the page is linked from the densing-law page
and the leaderboard, and a hostile model name stays text."""

from __future__ import annotations

import json
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.site.conftest import PHONE
from tests.site.synthetic import HOSTILE_NAME

pytestmark = pytest.mark.browser
WIDE = {"width": 1400, "height": 1000, "deviceScaleFactor": 1, "mobile": False}


def _open_page(browser: Any, url: str) -> dict[str, Any]:
    """Open the page, wait for its chart, return the chart's spec."""
    browser.get(url + "what-densifies/")
    drawn = "figure.densing-chart--drawn"
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, drawn))
    text = browser.find_element(By.CSS_SELECTOR, "script.densing-chart__spec").get_attribute("textContent")
    return json.loads(text)


def _problems(browser: Any) -> list[str]:
    errors = [e["message"] for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    return errors + [f"alert: {a}" for a in browser.execute_script("return window.__alerts || []")]


@pytest.mark.parametrize("metrics", [WIDE, PHONE], ids=["1400px", "390px"])
def test_the_chart_draws_each_group_and_the_page_fits_the_screen(
    browser: Any, site_url: str, metrics: dict[str, Any]
) -> None:
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    try:
        browser.get_log("browser")  # drop what earlier pages logged
        spec = _open_page(browser, site_url)
        track = next(p["value"] for p in spec["params"] if p["name"] == "track")
        datasets = list(spec["datasets"].values())
        points = [p for rows in datasets if rows and "kind" in rows[0] for p in rows if p["track"] == track]
        lines = [r for rows in datasets if rows and "low" in rows[0] for r in rows if r["track"] == track]
        groups = {r["group"] for r in lines}
        assert groups == {"Knowledge", "Commonsense"} and points

        def marks(kind: str) -> int:
            found = browser.find_elements(
                By.CSS_SELECTOR, f".densing-chart__view svg g.mark-{kind}.role-mark path"
            )
            return len(found)

        assert marks("line") == marks("area") == len(groups)  # a line and its band per group
        assert marks("symbol") == len(points)
        widths = browser.execute_script(
            "const f = document.querySelector('figure.densing-chart');"
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth,"
            " f.querySelector('svg').getBoundingClientRect().width, f.getBoundingClientRect().width]"
        )
        assert widths[0] <= widths[1], f"the page scrolls sideways at {metrics['width']} px: {widths}"
        assert widths[2] <= widths[3] + 1, f"the chart is wider than its column: {widths}"
        rows = browser.execute_script(
            "return Array.from(document.querySelectorAll('.dl-variant.is-shown table.wd-table tbody tr'))"
            ".map(r => r.innerText)"
        )
        assert len(rows) == 2 and all("90% interval" in r for r in rows), rows
        assert not _problems(browser)
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_the_page_is_linked_from_the_densing_law_page_the_leaderboard_and_the_nav(
    browser: Any, site_url: str
) -> None:
    for page in ("densing-law/", ""):
        browser.get(site_url + page)
        links = browser.find_elements(By.CSS_SELECTOR, "article a[href$='what-densifies/']")
        assert links, f"no link to the page on {page or 'the leaderboard'}"
        nav = browser.find_elements(By.CSS_SELECTOR, "nav a[href$='what-densifies/']")
        assert any("What densifies?" in a.get_attribute("textContent") for a in nav)
    links[0].click()
    WebDriverWait(browser, 20).until(lambda d: d.current_url.endswith("what-densifies/"))


def test_a_hostile_name_in_the_chart_stays_text(browser: Any, site_url: str) -> None:
    spec = _open_page(browser, site_url)
    names = {p["name"] for rows in spec["datasets"].values() if rows and "kind" in rows[0] for p in rows}
    assert HOSTILE_NAME in names  # drawn, as data
    assert not browser.find_elements(By.CSS_SELECTOR, "article img[src='x']")
    assert not _problems(browser)
