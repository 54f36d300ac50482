"""The built site in a real headless Chromium: pages load cleanly, charts draw, the leaderboard sorts,
filters and restores its view from the URL, model links work, and hostile records stay inert."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.site.synthetic import HOSTILE_ID, HOSTILE_NAME

pytestmark = pytest.mark.browser


def _open(browser: Any, url: str) -> None:
    browser.get(url)
    WebDriverWait(browser, 20).until(lambda d: d.execute_script("return document.readyState") == "complete")


def _problems(browser: Any) -> list[str]:
    """Console errors and any alert/confirm/prompt the page tried to show since it loaded."""
    errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    alerts = browser.execute_script("return window.__alerts || []")
    return errors + [f"alert: {a}" for a in alerts]


def _leaderboard(browser: Any, url: str) -> None:
    _open(browser, url)
    WebDriverWait(browser, 20).until(
        lambda d: d.execute_script("return document.getElementById('leaderboard').dataset.ready === '1'")
    )


def _visible_rows(browser: Any) -> list[dict[str, str]]:
    return browser.execute_script(
        "return Array.from(document.querySelectorAll('#leaderboard tbody tr'))"
        ".filter(r => !r.hidden).map(r => Object.assign({}, r.dataset, "
        "{density: r.cells[2].dataset.s, p: r.cells[4].dataset.s, "
        "name: r.cells[1].querySelector('a').textContent, "
        "rank: r.cells[0].hasAttribute('data-s') ? r.cells[0].dataset.s : r.cells[0].textContent}))"
    )


def test_every_page_loads_without_console_errors(browser: Any, site_url: str, built_site: Path) -> None:
    pages = sorted({p.parent.relative_to(built_site).as_posix() for p in built_site.rglob("index.html")})
    assert len(pages) > 20
    failures = {}
    for page in pages:
        _open(browser, site_url + ("" if page == "." else page + "/"))
        problems = _problems(browser)
        if problems:
            failures[page] = problems
    assert not failures, failures


def test_density_chart_draws_every_model(browser: Any, site_url: str) -> None:
    _open(browser, site_url + "densing-law/")
    WebDriverWait(browser, 20).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "figure.densing-chart--drawn")
    )
    spec = json.loads(
        browser.find_element(By.CSS_SELECTOR, "script.densing-chart__spec").get_attribute("textContent")
    )
    track = next(p["value"] for p in spec["params"] if p["name"] == "track")
    points = next(rows for rows in spec["datasets"].values() if rows and "status" in rows[0])
    points = [p for p in points if p["track"] == track]  # the chart shows one track at a time
    view = ".densing-chart__view svg"
    symbols = browser.find_elements(By.CSS_SELECTOR, f"{view} g.mark-symbol.role-mark path")
    assert len(symbols) == len(points) > 5
    assert browser.find_elements(By.CSS_SELECTOR, f"{view} g.mark-area.role-mark path")  # the CI band
    assert not _problems(browser)


def test_sorting_changes_the_row_order(browser: Any, site_url: str) -> None:
    _leaderboard(browser, site_url)
    before = [r["id"] for r in _visible_rows(browser)]
    header = browser.find_element(By.CSS_SELECTOR, "#leaderboard th[data-key='params'] button")
    header.click()
    params = [float(r["p"]) for r in _visible_rows(browser)]
    assert params == sorted(params, reverse=True)
    assert [r["id"] for r in _visible_rows(browser)] != before
    header.click()
    params = [float(r["p"]) for r in _visible_rows(browser)]
    assert params == sorted(params)
    assert "sort=params" in browser.current_url and "dir=asc" in browser.current_url
    assert (
        browser.find_element(By.CSS_SELECTOR, "th[data-key='params']").get_attribute("aria-sort")
        == "ascending"
    )


def test_filters_change_the_rows(browser: Any, site_url: str) -> None:
    _leaderboard(browser, site_url + "?all=1")
    total = len(_visible_rows(browser))
    Select(browser.find_element(By.NAME, "family")).select_by_value("Fam001")
    rows = _visible_rows(browser)
    assert 0 < len(rows) < total and {r["f"] for r in rows} == {"Fam001"}
    assert browser.find_element(By.ID, "lb-count").text == f"{len(rows)} of {total} models"
    browser.find_element(By.ID, "lb-reset").click()
    WebDriverWait(browser, 5).until(lambda d: len(_visible_rows(d)) == total)
    browser.find_element(By.NAME, "pmin").send_keys("10")
    assert all(float(r["p"]) >= 10e9 for r in _visible_rows(browser))
    browser.find_element(By.ID, "lb-reset").click()
    WebDriverWait(browser, 5).until(lambda d: len(_visible_rows(d)) == total)
    browser.find_element(By.NAME, "q").send_keys("onerror")
    rows = _visible_rows(browser)
    assert [r["id"] for r in rows] == [HOSTILE_ID] and rows[0]["name"] == HOSTILE_NAME
    assert "q=onerror" in browser.current_url


def test_a_filtered_url_restores_the_view(browser: Any, site_url: str) -> None:
    _leaderboard(browser, site_url + "?family=Fam001&sort=density&dir=asc&to=2030-01-01&all=1")
    assert (
        Select(browser.find_element(By.NAME, "family")).first_selected_option.get_attribute("value")
        == "Fam001"
    )
    assert browser.find_element(By.NAME, "to").get_attribute("value") == "2030-01-01"
    rows = _visible_rows(browser)
    assert rows and {r["f"] for r in rows} == {"Fam001"}
    densities = [float(r["density"]) for r in rows if r["density"]]
    assert densities == sorted(densities)
    assert (
        browser.find_element(By.CSS_SELECTOR, "th[data-key='density']").get_attribute("aria-sort")
        == "ascending"
    )


def test_model_links_open_the_model_pages(browser: Any, site_url: str) -> None:
    _leaderboard(browser, site_url)
    first = _visible_rows(browser)[0]
    browser.find_element(By.CSS_SELECTOR, f"#leaderboard tr[data-id='{first['id']}'] td a").click()
    WebDriverWait(browser, 20).until(lambda d: d.current_url.endswith(f"/models/{first['id']}/"))
    assert browser.find_element(By.CSS_SELECTOR, "h1.model-title").text == first["name"]
    back = browser.find_element(By.CSS_SELECTOR, ".md-tabs a[href$='densing-law/']")
    back.click()
    WebDriverWait(browser, 20).until(lambda d: d.current_url.endswith("/densing-law/"))
    assert not _problems(browser)


def test_hostile_record_renders_inert(browser: Any, site_url: str) -> None:
    _open(browser, site_url + f"models/{HOSTILE_ID}/")
    assert browser.find_element(By.CSS_SELECTOR, "h1.model-title").text == HOSTILE_NAME
    injected = browser.execute_script(
        'return document.querySelectorAll(\'img[src="x"], svg[onload], iframe, [onmouseover], '
        '[onerror], a[href^="javascript:" i], article script:not([type="application/json"])\').length'
    )
    assert injected == 0
    hrefs = browser.execute_script("return Array.from(document.links).map(a => a.protocol)")
    assert set(hrefs) <= {"http:", "https:"}
    for link in browser.find_elements(By.CSS_SELECTOR, "article a[rel~='nofollow']"):
        link_text = link.get_attribute("href")
        assert link_text.startswith("https://example.com/x?"), link_text
    assert not _problems(browser)


def test_site_search_shows_hostile_text_as_text(browser: Any, site_url: str) -> None:
    _open(browser, site_url)
    browser.find_element(By.CSS_SELECTOR, "label.md-search__icon, .md-search__input").click()
    box = browser.find_element(By.CSS_SELECTOR, "input.md-search__input")
    box.send_keys("onerror")
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".md-search-result__item"))
    assert browser.execute_script("return document.querySelectorAll('img[src=\"x\"], [onerror]').length") == 0
    assert not _problems(browser)


_POINT_OF = """
const figure = document.querySelector('figure.densing-chart--drawn');
const view = figure.densingView;
function find(node, dx, dy) {
  for (const item of node.items || []) {
    if (item.mark && item.mark.marktype === 'symbol' && item.datum && item.datum.model === arguments[0]) {
      return [dx + item.x, dy + item.y];
    }
    const inner = item.items ? find(item, dx + (item.x || 0), dy + (item.y || 0)) : null;
    if (inner) return inner;
  }
  return null;
}
const point = find(view.scenegraph().root, view.origin()[0] + view.padding().left,
                  view.origin()[1] + view.padding().top);
const box = view.container().querySelector('svg').getBoundingClientRect();
return point && [point[0] - box.width / 2, point[1] - box.height / 2];
"""


def test_chart_tooltip_shows_hostile_name_as_text(browser: Any, site_url: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    _open(browser, site_url + "densing-law/")
    WebDriverWait(browser, 20).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "figure.densing-chart--drawn")
    )
    script = _POINT_OF.replace("arguments[0]", json.dumps(HOSTILE_ID))
    offset = browser.execute_script(script)
    assert offset is not None, "the hostile model is not on the density chart"
    svg = browser.find_element(By.CSS_SELECTOR, "figure.densing-chart .densing-chart__view svg")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", svg)
    ActionChains(browser).move_to_element_with_offset(svg, round(offset[0]), round(offset[1])).perform()
    tooltip = WebDriverWait(browser, 10).until(
        lambda d: d.find_element(By.ID, "vg-tooltip-element").get_attribute("innerHTML") or None
    )
    assert "&lt;img src=x onerror=alert(1)&gt;" in tooltip
    assert "2024-06-01" in tooltip  # the release date as text, not as a timestamp
    assert not browser.find_elements(By.CSS_SELECTOR, "#vg-tooltip-element img")
    assert not _problems(browser)
