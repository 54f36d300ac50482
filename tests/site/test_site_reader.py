"""The site as its readers meet it, in Chromium at desktop and phone (390x844) widths: a first view one
can cite, every flag explained where it appears, a header that stays in view, no sideways scrolling on
phones, legible charts, search that loads its index only when used, and addresses that say when a
parameter makes no sense."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.site.test_site_browser import _leaderboard, _open, _problems, _visible_rows
from tests.site.tracks_fixture import track_ids

pytestmark = pytest.mark.browser


def _flag_texts(site_inputs: dict[str, Path]) -> dict[str, str]:
    return json.loads((site_inputs["fit"] / "flags.json").read_text(encoding="utf-8"))


def test_first_view_shows_ranked_citable_readings_and_one_click_shows_all(
    browser: Any, site_url: str
) -> None:
    _leaderboard(browser, site_url)
    rows = _visible_rows(browser)
    in_page = browser.execute_script("return document.querySelectorAll('#leaderboard tbody tr').length")
    assert in_page == len(rows)  # the first load carries only the citable rows
    total = int(browser.find_element(By.ID, "leaderboard").get_attribute("data-total"))
    assert 0 < len(rows) < total
    assert all(r.get("c") == "1" for r in rows)  # only citable readings
    assert [int(r["rank"]) for r in rows] == list(range(1, len(rows) + 1))  # ranked 1..n, in order
    densities = [float(r["density"]) for r in rows]
    assert densities == sorted(densities, reverse=True)
    note = browser.find_element(By.ID, "lb-default-note").text
    assert str(len(rows)) in note and "default track" in note
    assert browser.find_element(By.ID, "lb-count").text.startswith(f"{len(rows)} of {total} models")
    browser.find_element(By.ID, "lb-all").click()  # fetches the other rows (rows.html)
    WebDriverWait(browser, 10).until(lambda d: len(_visible_rows(d)) == total)
    everything = _visible_rows(browser)
    assert "all=1" in browser.current_url
    unranked = [r for r in everything if r.get("c") != "1"]
    assert unranked and all(r["rank"] == "" for r in unranked)
    assert not _problems(browser)


def test_every_flag_chip_and_flagged_score_explains_itself(
    browser: Any, site_url: str, site_inputs: dict[str, Path]
) -> None:
    texts = _flag_texts(site_inputs)
    _leaderboard(browser, site_url + "?all=1")
    chips = browser.execute_script(
        "return Array.from(document.querySelectorAll('#leaderboard .lb-flag'))"
        ".map(c => [c.textContent, c.getAttribute('title'), c.tabIndex])"
    )
    assert chips
    for flag, title, tab_index in chips:
        assert title == texts[flag], flag  # the fitter's own sentence (flags.json), not a site copy
        assert tab_index == 0  # reachable by keyboard and by tapping
    flagged = browser.execute_script(
        "return Array.from(document.querySelectorAll('#leaderboard td.lb-flagged')).map(c => c.title)"
    )
    assert flagged and all(t and t in " ".join(texts.values()) for t in flagged)
    legend = browser.find_element(By.ID, "lb-legend")
    legend.find_element(By.TAG_NAME, "summary").click()
    for flag in {c[0] for c in chips}:
        assert texts[flag] in legend.text
    table_top = browser.find_element(By.ID, "leaderboard").rect["y"]
    assert legend.rect["y"] < table_top  # the legend sits right above the table, not below every row


def test_the_table_header_stays_in_view_while_scrolling(browser: Any, site_url: str) -> None:
    _leaderboard(browser, site_url + "?all=1")
    offsets = browser.execute_script(
        """
        const wrap = document.querySelector('.lb-wrap');
        wrap.scrollIntoView();
        wrap.scrollTop = 400;
        const head = document.querySelector('#leaderboard thead th:nth-child(3)').getBoundingClientRect();
        const box = wrap.getBoundingClientRect();
        const rowBelow = document.elementFromPoint(head.left + 5, head.top + head.height / 2);
        return [wrap.scrollTop, head.top - box.top, !!rowBelow && rowBelow.closest('th') !== null];
        """
    )
    scrolled, gap, header_on_top = offsets
    assert scrolled > 100  # the rows did scroll under it
    assert abs(gap) <= 2 and header_on_top


def test_a_laptop_sees_every_column_without_scrolling_sideways(browser: Any, site_url: str) -> None:
    """At 1400 px the leaderboard's last column (Flags) is in view: the page widens its grid for the
    table instead of hiding columns behind a sideways scroll."""
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1400, "height": 1000, "deviceScaleFactor": 1, "mobile": False},
    )
    try:
        _leaderboard(browser, site_url)
        fits = browser.execute_script(
            """
            const wrap = document.querySelector('.lb-wrap');
            const last = document.querySelector('#leaderboard thead th:last-child').getBoundingClientRect();
            return [wrap.scrollWidth - wrap.clientWidth, last.right <= window.innerWidth,
                    document.querySelector('.md-content').getBoundingClientRect().width];
            """
        )
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    overflow, last_in_view, content_width = fits
    assert overflow <= 1 and last_in_view
    assert content_width >= 1300  # beyond Material's 61rem (1220 px) grid, which clipped real data


def test_the_model_name_stays_in_view_when_the_table_scrolls_sideways(phone: Any, site_url: str) -> None:
    _leaderboard(phone, site_url)
    offsets = phone.execute_script(
        """
        const wrap = document.querySelector('.lb-wrap');
        wrap.scrollLeft = 400;
        const box = wrap.getBoundingClientRect();
        const cell = document.querySelector('#leaderboard tbody tr:not([hidden]) td:nth-child(2)');
        const rank = document.querySelector('#leaderboard tbody tr:not([hidden]) td:nth-child(1)');
        return [wrap.scrollLeft, cell.getBoundingClientRect().left - box.left,
                rank.getBoundingClientRect().right - box.left];
        """
    )
    scrolled, name_left, rank_right = offsets
    assert scrolled > 100  # the table is wider than a phone and did scroll
    assert abs(name_left) <= 2 and rank_right < 0  # the rank scrolled away, the name did not


PHONE_PAGES = ["", "densing-law/", "agreement/", "ruler/", "benchmarks/", "compression/", "data/", "method/"]


def test_phone_pages_never_scroll_sideways(
    phone: Any, site_url: str, built_site: Path, site_inputs: dict[str, Path]
) -> None:
    model = sorted(p.name for p in (built_site / "models").iterdir())[0]
    other_track = track_ids(site_inputs["fit"])[1][0]
    wide = {}
    for page in [*PHONE_PAGES, f"models/{model}/", f"track/{other_track}/"]:
        _open(phone, site_url + page)
        width = phone.execute_script("return document.documentElement.scrollWidth")
        if width > 390:
            wide[page] = width
    assert not wide


BROKEN_WORDS_JS = """
const found = [];
for (const cell of document.querySelectorAll('.md-content td, .md-content th')) {
  if (cell.getBoundingClientRect().width === 0) continue;
  if (cell.scrollWidth > cell.clientWidth + 1 && getComputedStyle(cell).overflowX === 'visible') {
    found.push(['spills out of its cell', cell.innerText.slice(0, 30)]);
  }
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const urls = Array.from(node.data.matchAll(/\\S+:\\/\\/\\S+/g), m => [m.index, m.index + m[0].length]);
    for (const match of node.data.matchAll(/[A-Za-z0-9_]{4,}/g)) {
      if (urls.some(([start, end]) => match.index >= start && match.index < end)) continue;  // a URL may wrap
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const rects = Array.from(range.getClientRects()).filter(r => r.width > 0);
      const lines = new Set(rects.map(r => Math.round(r.top)));
      if (lines.size > 1) found.push(['broken over lines', match[0]]);
    }
  }
}
return found.slice(0, 5);
"""


def test_phone_tables_keep_readable_columns(phone: Any, site_url: str, site_inputs: dict[str, Path]) -> None:
    """On a phone no table squeezes a column until its words break over several lines or spill into the
    next cell (wide text tables become labelled blocks, numeric ones scroll inside their frame). Measured
    on the words themselves, so the check holds whatever widths a browser build gives the columns."""
    other_track = track_ids(site_inputs["fit"])[1][0]
    squeezed = {}
    for page in [*PHONE_PAGES, f"track/{other_track}/", "changelog/"]:
        _open(phone, site_url + page)
        found = phone.execute_script(BROKEN_WORDS_JS)
        if found:
            squeezed[page] = found
    assert not squeezed


def test_desktop_text_columns_keep_room_for_their_sentences(browser: Any, site_url: str) -> None:
    """At 1400 px a note column is never squeezed to a word a line (the changelog's notes once made the
    page 299,118 px tall): every cell of record text is at least 15 of its own font's em wide, and no
    word in any table breaks."""
    for page in ["changelog/", "densing-law/", "method/"]:
        _open(browser, site_url + page)
        assert not browser.execute_script(BROKEN_WORDS_JS), page
        narrow = browser.execute_script(
            """
            return Array.from(document.querySelectorAll('.md-content td.record-text'))
              .filter(c => c.innerText.trim().split(/\\s+/).length > 12)
              .filter(c => c.getBoundingClientRect().width < 15 * parseFloat(getComputedStyle(c).fontSize))
              .map(c => c.innerText.slice(0, 30));
            """
        )
        assert not narrow, (page, narrow[:3])
    _open(browser, site_url + "changelog/")
    fits = browser.execute_script(
        """
        const table = document.querySelector('table.changelog-corrections');
        const link = table.querySelector('a.record-url');
        const frame = table.closest('.md-typeset__scrollwrap') || table.closest('.md-content__inner');
        return [table.scrollWidth, frame.clientWidth, link && link.getAttribute('href')];
        """
    )
    assert fits[0] <= fits[1] + 1, fits  # a long address in a note breaks instead of widening the table
    assert fits[2] and fits[2].startswith("https://github.com/exampleorg/"), fits  # and is a link


def test_phone_leaderboard_shows_model_density_and_interval_on_the_first_screen(
    phone: Any, site_url: str
) -> None:
    _leaderboard(phone, site_url)
    assert phone.execute_script("return window.innerWidth") == 390
    first = phone.execute_script(
        """
        const row = Array.from(document.querySelectorAll('#leaderboard tbody tr')).find(r => !r.hidden);
        const rect = el => {
          const b = el.getBoundingClientRect();
          return [b.left, b.right, b.top, b.bottom];
        };
        return {name: rect(row.cells[1].querySelector('a')), density: rect(row.cells[2]),
                interval: rect(row.cells[2].querySelector('small')),
                filtersOpen: document.getElementById('lb-filter-box').open};
        """
    )
    for part in ("name", "density", "interval"):
        left, right, _top, bottom = first[part]
        assert left >= 0 and right <= 390 and bottom <= 844, (part, first[part])
    assert not first["filtersOpen"]  # filters folded away on phones


def test_phone_charts_stay_legible(phone: Any, site_url: str) -> None:
    _leaderboard(phone, site_url)
    chart = phone.execute_script(
        """
        const wide = document.querySelector('.lb-chart__wide');
        const compact = document.querySelector('.lb-chart__compact');
        const svg = compact.querySelector('svg').getBoundingClientRect();
        const ticks = Array.from(compact.querySelectorAll('text.tick'))
          .map(t => t.getBoundingClientRect().height);
        const years = compact.querySelectorAll('text.tick[text-anchor="middle"]').length;
        const dot = compact.querySelector('circle.pt').getBoundingClientRect().width;
        return [getComputedStyle(wide).display, svg.width, Math.min(...ticks), years, dot];
        """
    )
    hidden, width, smallest_text, years, dot = chart
    assert hidden == "none" and 300 <= width <= 390
    assert smallest_text >= 11  # tick labels as large as body text on a phone
    assert years <= 5 and dot >= 8  # few ticks, marks large enough to tap
    _open(phone, site_url + "densing-law/")
    WebDriverWait(phone, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "figure.densing-chart--drawn"))
    width = phone.execute_script(
        "return document.querySelector('.densing-chart__view svg').getBoundingClientRect().width"
    )
    assert 300 <= width <= 390  # the explorable chart fits the phone instead of shrinking or overflowing


def test_search_index_is_loaded_only_when_search_is_used(browser: Any, site_url: str) -> None:
    loaded = "return performance.getEntriesByType('resource').some(e => e.name.includes('search_index.json'))"
    _open(browser, site_url + "densing-law/")
    browser.execute_script("return new Promise(r => setTimeout(r, 800))")
    assert not browser.execute_script(loaded)
    browser.find_element(By.CSS_SELECTOR, "label.md-search__icon, .md-search__input").click()
    browser.find_element(By.CSS_SELECTOR, "input.md-search__input").send_keys("Ref")
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".md-search-result__item"))
    assert browser.execute_script(loaded)
    assert not _problems(browser)


def test_invalid_url_parameters_are_reported_not_silently_applied(browser: Any, site_url: str) -> None:
    _leaderboard(browser, site_url)
    default_rows = len(_visible_rows(browser))
    _leaderboard(browser, site_url + "?pmin=abc&family=NoSuchFamily&from=2024-13-45&sort=nope")
    problems = browser.find_element(By.ID, "lb-url-problems")
    assert problems.is_displayed()
    for part in ("pmin=abc", "family=NoSuchFamily", "from=2024-13-45", "sort=nope"):
        assert part in problems.text
    assert len(_visible_rows(browser)) == default_rows  # ignored, so the table is the default view
    assert "pmin" not in browser.current_url
    _leaderboard(browser, site_url + "?pmin=1")
    assert not browser.find_element(By.ID, "lb-url-problems").is_displayed()


def test_download_this_view_and_highlight(browser: Any, site_url: str) -> None:
    _leaderboard(browser, site_url + "?all=1&sort=params&dir=asc")
    rows = _visible_rows(browser)
    csv = browser.execute_script("return document.getElementById('leaderboard').densingCsv()").splitlines()
    assert csv[0].startswith(
        "rank,rank 90% range low,rank 90% range high,model,name,track,data_version,density,"
    )
    assert [line.split(",")[3] for line in csv[1:]] == [r["id"] for r in rows]  # this view, in its order
    family = rows[0]["f"]
    Select(browser.find_element(By.ID, "lb-highlight")).select_by_value(f"f:{family}")
    lit = browser.execute_script(
        "return Array.from(document.querySelectorAll('.lb-chart__wide svg a.hl')).map(a => a.dataset.f)"
    )
    assert lit and set(lit) == {family}
    links = (
        "return Array.from(document.querySelectorAll('.lb-chart__{} svg a.hl'))"
        ".map(a => a.getAttribute('href'))"
    )
    wide, phone = (sorted(browser.execute_script(links.format(w))) for w in ("wide", "compact"))
    assert phone == wide  # the phone rendering lights the same models, by their links


def test_track_switch_citations_and_formulas(browser: Any, site_url: str) -> None:
    _leaderboard(browser, site_url)
    default = browser.find_element(By.ID, "leaderboard").get_attribute("data-track")
    links = browser.find_elements(By.CSS_SELECTOR, ".lb-tracks a[href*='track/']")
    assert links
    links[0].click()
    WebDriverWait(browser, 20).until(lambda d: "/track/" in d.current_url)
    _leaderboard(browser, browser.current_url)
    assert browser.find_element(By.ID, "leaderboard").get_attribute("data-track") != default
    _open(browser, site_url + "agreement/")
    assert "Spearman" in browser.find_element(By.CSS_SELECTOR, ".agreement-pairs").text
    _open(browser, site_url + "data/")
    WebDriverWait(browser, 10).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "button[data-md-type='copy'], button.md-clipboard")
    )
    _open(browser, site_url + "method/")
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".arithmatex .katex"))
    assert not _problems(browser)
