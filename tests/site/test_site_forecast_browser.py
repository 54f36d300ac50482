"""The forecast and the compare view in Chromium, at 1400 px and on a 390x844 phone: the densing-law
chart draws the forecast dashed with its band and says "forecast, not data" on the chart and in its
legend; a model page recomputes its forecast for the N and date a reader chooses, to the numbers the
fit's own arithmetic gives; the compare view keeps its selection in the address, reports what it
cannot use, and scrolls its columns under fixed row labels on a phone; the leaderboard's pick boxes
and a model page's "compare with" link lead to it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from densing_fit.forecast.line import FrontierForecast
from densing_site.forecast.chart import LABEL, MARK
from densing_site.text.formatting import fmt_params
from tests.site.synthetic import HOSTILE_ID, HOSTILE_NAME
from tests.site.test_site_browser import _leaderboard, _open, _problems
from tests.site.tracks_fixture import track_ids

pytestmark = pytest.mark.browser

VIEW = "figure.densing-chart .densing-chart__view svg"


def _drawn_law(browser: Any, site_url: str) -> None:
    _open(browser, site_url + "densing-law/")
    WebDriverWait(browser, 20).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "figure.densing-chart--drawn")
    )


def _forecast_marks(browser: Any) -> dict[str, Any]:
    return browser.execute_script(
        f"""
        const svg = document.querySelector('{VIEW}');
        const texts = Array.from(svg.querySelectorAll('text')).map(t => t.textContent);
        const dashed = Array.from(svg.querySelectorAll('g.mark-line.role-mark path'))
          .filter(p => (p.getAttribute('stroke-dasharray') || '').length > 0);
        const box = svg.getBoundingClientRect();
        const areas = svg.querySelectorAll('g.mark-area.role-mark path').length;
        return {{texts: texts, dashed: dashed.length, areas: areas, width: box.width,
                 page: document.documentElement.scrollWidth}};
        """
    )


def test_the_chart_draws_the_forecast_dashed_with_its_band_and_label(
    browser: Any, site_url: str, site_inputs: dict[str, Path]
) -> None:
    _check_forecast_chart(browser, site_url, site_inputs, 1400)


def test_on_a_phone_the_chart_draws_the_forecast_and_says_what_it_is(
    phone: Any, site_url: str, site_inputs: dict[str, Path]
) -> None:
    _check_forecast_chart(phone, site_url, site_inputs, 390)


def _check_forecast_chart(driver: Any, site_url: str, site_inputs: dict[str, Path], width: int) -> None:
    _drawn_law(driver, site_url)
    marks = _forecast_marks(driver)
    assert MARK in marks["texts"]  # on the chart, at the forecast's end
    assert LABEL in marks["texts"]  # in the legend
    assert marks["dashed"] >= 1 and marks["areas"] >= 2  # the line's band and the forecast's band
    assert "extrapolated" not in marks["texts"]  # the forecast continues the line, not a second dash
    assert marks["page"] <= width  # nothing pushes the page sideways
    if width == 390:
        assert marks["width"] <= 390
    section = driver.find_element(By.CSS_SELECTOR, "#forecast ~ .dl-variants .dl-variant.is-shown")
    default, others = track_ids(site_inputs["fit"])
    label = json.loads((site_inputs["fit"] / "tracks.json").read_text(encoding="utf-8"))["tracks"]
    labels = {t["id"]: t["label"] for t in label}
    assert "Forecast, not data" in section.text and labels[default] in section.text
    if others:  # the forecast follows the track select
        Select(driver.find_element(By.CSS_SELECTOR, "figure.densing-chart select")).select_by_value(others[0])
        WebDriverWait(driver, 5).until(
            lambda d: (
                labels[others[0]]
                in d.find_element(By.CSS_SELECTOR, "#forecast ~ .dl-variants .dl-variant.is-shown").text
            )
        )
        assert MARK in _forecast_marks(driver)["texts"]
    assert not _problems(driver)


def test_per_active_parameter_the_chart_shows_no_forecast_and_no_forecast_legend(
    browser: Any, site_url: str
) -> None:
    _open(browser, site_url + "densing-law/?per=active")
    WebDriverWait(browser, 20).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "figure.densing-chart--drawn")
    )
    texts = _forecast_marks(browser)["texts"]
    assert MARK not in texts and LABEL not in texts  # the forecast is per total parameter only
    assert not _problems(browser)


def test_switching_track_and_parameter_count_leaves_the_console_quiet(browser: Any, site_url: str) -> None:
    _drawn_law(browser, site_url)
    for select in browser.find_elements(By.CSS_SELECTOR, "figure.densing-chart .vega-bind select"):
        choice = Select(select)
        for value in [o.get_attribute("value") for o in choice.options]:
            choice.select_by_value(value)
            WebDriverWait(browser, 5).until(
                lambda d, v=value: (
                    v
                    in d.execute_script(
                        "const f = document.querySelector('figure.densing-chart--drawn');"
                        "return [f.densingView.signal('track'), f.densingView.signal('per'),"
                        " f.densingView.signal('family')].map(String);"
                    )
                )
            )
    noise = [e["message"] for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert not noise


def _model_with_forecast(site_inputs: dict[str, Path]) -> tuple[str, pd.Series, FrontierForecast, str]:
    default, _ = track_ids(site_inputs["fit"])
    trend = json.loads((site_inputs["fit"] / "tracks" / default / "trend.json").read_text(encoding="utf-8"))
    frame = pd.read_csv(site_inputs["fit"] / "tracks" / default / "densities.csv")
    exact = frame[frame["effective_params"].notna() & ~frame["flags"].fillna("").str.contains("_ruler")]
    row = exact.sort_values("model").iloc[0]
    return default, row, FrontierForecast.from_document(trend["forecast"]), trend["data_version"]


def test_a_model_page_recomputes_its_forecast_for_the_readers_n_and_date(
    browser: Any, site_url: str, site_inputs: dict[str, Path]
) -> None:
    track, row, line, version = _model_with_forecast(site_inputs)
    _open(browser, site_url + f"models/{row.model}/")
    box = browser.find_element(By.CSS_SELECTOR, f".fc-box[data-fc$='forecast/{track}.json']")
    assert "Forecast, not data" in box.text and f"data version {version}" in box.text
    n_input = box.find_element(By.CSS_SELECTOR, "input.fc-n")
    WebDriverWait(browser, 5).until(lambda d: n_input.is_enabled())
    n_input.clear()
    n_input.send_keys("0.25")
    WebDriverWait(browser, 5).until(lambda d: box.get_attribute("data-computed"))
    match = line.match_day(row.effective_params, 0.25e9)
    assert box.find_element(By.CSS_SELECTOR, ".fc-date").text == line.date(match.value).isoformat()
    assert box.find_element(By.CSS_SELECTOR, ".fc-low").text == line.date(match.low).isoformat()
    assert box.find_element(By.CSS_SELECTOR, ".fc-high").text == line.date(match.high).isoformat()
    day = box.find_element(By.CSS_SELECTOR, "input.fc-day")
    browser.execute_script(
        "arguments[0].value = '2030-06-01'; arguments[0].dispatchEvent(new Event('input'));", day
    )
    smallest = line.smallest_params(row.effective_params, line.day(dt.date(2030, 6, 1)))
    WebDriverWait(browser, 5).until(
        lambda d: box.find_element(By.CSS_SELECTOR, ".fc-size").text == fmt_params(smallest.value)
    )
    assert box.find_element(By.CSS_SELECTOR, ".fc-size-low").text == fmt_params(smallest.low)
    assert box.find_element(By.CSS_SELECTOR, ".fc-size-high").text == fmt_params(smallest.high)
    n_input.clear()
    n_input.send_keys("-3")
    WebDriverWait(browser, 5).until(lambda d: box.find_element(By.CSS_SELECTOR, ".fc-bad-n").is_displayed())
    assert not box.find_element(By.CSS_SELECTOR, ".fc-out").is_displayed()  # no numbers for a wrong N
    assert not _problems(browser)


def _compare(driver: Any, url: str) -> None:
    _open(driver, url)
    WebDriverWait(driver, 20).until(
        lambda d: d.execute_script("return document.getElementById('cmp-table').dataset.ready === '1'")
    )


def _columns(driver: Any) -> list[str]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#cmp-table thead th small')).map(s => s.textContent)"
    )


def _query(driver: Any) -> str:
    return driver.execute_script("return window.location.search")


def test_the_compare_view_keeps_its_selection_in_the_address(
    browser: Any, site_url: str, site_inputs: dict[str, Path]
) -> None:
    track, row, _, version = _model_with_forecast(site_inputs)
    first = row.model
    _compare(browser, site_url + f"compare/?models={first},nope,{HOSTILE_ID},{first}")
    assert _columns(browser) == [first, HOSTILE_ID]
    assert _query(browser) == f"?models={first},{HOSTILE_ID}"  # what could not be used is left out...
    problems = browser.find_element(By.ID, "cmp-problems").text
    assert "nope (no such model)" in problems and f"{first} (listed twice)" in problems  # ...and said
    table = browser.find_element(By.ID, "cmp-table")
    assert HOSTILE_NAME in table.text and not browser.find_elements(By.CSS_SELECTOR, "#cmp-table img")
    group = table.find_element(By.CSS_SELECTOR, f"tbody[data-track='{track}']")
    assert f"data version {version}" in group.text and "90% interval" in group.text
    assert "5-shot" in group.text and "protocol synth-harness" in group.text
    assert group.find_elements(By.CSS_SELECTOR, "a[href='https://example.org/synthetic']")  # the source
    density = f"{row.density:.3g}"
    assert density in group.find_element(By.XPATH, ".//tr[th[starts-with(., 'Density (90%')]]").text
    browser.find_element(By.ID, "cmp-add").send_keys("Ref-1B")  # a name works as well as an id
    browser.find_element(By.CSS_SELECTOR, "#cmp-form button[type='submit']").click()
    WebDriverWait(browser, 10).until(lambda d: len(_columns(d)) == 3)
    assert _query(browser) == f"?models={first},{HOSTILE_ID},ref-1b"
    browser.find_element(By.CSS_SELECTOR, "#cmp-table thead th:nth-child(3) button.cmp-remove").click()
    WebDriverWait(browser, 10).until(lambda d: _columns(d) == [first, "ref-1b"])
    assert _query(browser) == f"?models={first},ref-1b"
    browser.refresh()  # the address alone brings the same comparison back
    _compare(browser, browser.current_url)
    assert _columns(browser) == [first, "ref-1b"]
    assert not _problems(browser)


def test_on_a_phone_the_columns_scroll_under_fixed_row_labels(phone: Any, site_url: str) -> None:
    _compare(phone, site_url + f"compare/?models=ref-1b,ref-10b,{HOSTILE_ID},ref-0p1b")
    state = phone.execute_script(
        """
        const wrap = document.querySelector('.cmp-wrap');
        const label = document.querySelector('#cmp-table tbody th[scope=row]');
        const before = label.getBoundingClientRect().left;
        wrap.scrollLeft = 300;
        const after = label.getBoundingClientRect().left;
        return {scroll: wrap.scrollWidth, client: wrap.clientWidth, moved: wrap.scrollLeft,
                before: before, after: after, page: document.documentElement.scrollWidth};
        """
    )
    assert state["scroll"] > state["client"] and state["moved"] > 0  # the columns scroll in their frame
    assert state["after"] == pytest.approx(state["before"], abs=1)  # the benchmark names stay put
    assert state["page"] <= 390  # the page itself does not
    phone.execute_script(
        "document.querySelector('#cmp-table thead th:nth-child(4) button.cmp-remove').click()"
    )
    WebDriverWait(phone, 10).until(lambda d: _columns(d) == ["ref-1b", "ref-10b", "ref-0p1b"])
    assert _query(phone) == "?models=ref-1b,ref-10b,ref-0p1b"  # the address follows on a phone too
    assert not _problems(phone)


def test_leaderboard_picks_lead_to_the_compare_view(browser: Any, site_url: str) -> None:
    _leaderboard(browser, site_url)
    browser.execute_script("window.sessionStorage.clear()")
    _leaderboard(browser, site_url)
    boxes = browser.find_elements(By.CSS_SELECTOR, "#leaderboard tbody tr input.lb-pick")
    assert len(boxes) == len(browser.find_elements(By.CSS_SELECTOR, "#leaderboard tbody tr"))
    ids = [b.get_attribute("value") for b in boxes[:5]]
    for box in boxes[:5]:
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
        box.click()
    bar = browser.find_element(By.ID, "cmp-bar")
    assert "At most 4 models" in bar.text and not boxes[4].is_selected()
    link = bar.find_element(By.CSS_SELECTOR, "a.cmp-go")
    assert link.get_attribute("href").endswith("compare/?models=" + ",".join(ids[:4]))
    link.click()
    WebDriverWait(browser, 20).until(lambda d: "/compare/" in d.current_url)
    _compare(browser, browser.current_url)
    assert _columns(browser) == ids[:4]
    assert not _problems(browser)
    browser.execute_script("window.sessionStorage.clear()")  # the shared browser's next test starts unpicked


def test_a_model_page_compares_it_with_its_neighbours(browser: Any, site_url: str) -> None:
    _leaderboard(browser, site_url)
    second = browser.find_elements(By.CSS_SELECTOR, "#leaderboard tbody tr")[1].get_attribute("data-id")
    _open(browser, site_url + f"models/{second}/")
    browser.find_element(By.PARTIAL_LINK_TEXT, "with its neighbours in rank").click()
    WebDriverWait(browser, 20).until(lambda d: "/compare/" in d.current_url)
    _compare(browser, browser.current_url)
    assert _columns(browser)[0] == second and len(_columns(browser)) == 3
    assert not _problems(browser)
