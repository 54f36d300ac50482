"""The calculator page of the synthetic site in Chromium, at 1400 and 390 px: invalid input gets a clear
message in the page (and no numbers), a shared address restores the inputs and the result, a preset
fills in a recorded model (a hostile name stays text), and the numbers are the fit's."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from densing_data import load
from tests.site.calculator_site import READ_PAGE
from tests.site.synthetic import HOSTILE_ID, HOSTILE_NAME

pytestmark = pytest.mark.browser
TRACK = "ruler-synth-direct"
FIELDS = """
const value = (id) => document.getElementById(id).value;
return {total: value('calc-total'), active: value('calc-active'), date: value('calc-date'),
  kind: value('calc-kind'),
  rows: Array.from(document.querySelectorAll('#calc-rows tr')).map((tr) => Array.from(
    tr.querySelectorAll('input, select')).map((e) => e.value))};
"""


@pytest.fixture(params=[1400, 390], ids=["desktop", "phone"])
def screen(request: pytest.FixtureRequest, browser: Any) -> Any:
    """The browser at 1400 px, then as a 390 px phone."""
    if request.param < 800:
        browser.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": request.param, "height": 844, "deviceScaleFactor": 1, "mobile": True},
        )
    yield browser
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def _open(driver: Any, url: str) -> None:
    driver.get(url)
    WebDriverWait(driver, 20).until(
        lambda d: (
            d.execute_script("return document.documentElement.getAttribute('data-calculator')") is not None
        )
    )
    assert driver.execute_script("return document.documentElement.getAttribute('data-calculator')") == "ready"


def _errors(driver: Any) -> str:
    box = driver.find_element(By.ID, "calc-errors")
    return "" if box.get_attribute("hidden") is not None else box.text


def _type(element: Any, text: str) -> None:
    """Replace a field's text by typing (each key an input event, as a reader's)."""
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(Keys.DELETE)
    if text:
        element.send_keys(text)


def _set_date(driver: Any, value: str) -> None:
    """A date input's value as the browser's date picker sets it (typing depends on the locale)."""
    driver.execute_script(
        "const e = document.getElementById('calc-date'); e.value = arguments[0];"
        "e.dispatchEvent(new Event('input', {bubbles: true}));",
        value,
    )


def _fits_the_screen(driver: Any) -> bool:
    width = driver.execute_script("return window.innerWidth")
    return driver.execute_script("return document.documentElement.scrollWidth") <= width


def test_invalid_input_gets_a_clear_message_in_the_page(screen: Any, site_url: str) -> None:
    query = "?total=-7B&active=9B&date=1999-01-01&s=" + quote("mmlu=150:5") + "&s=" + quote("mmlu=60:five")
    _open(screen, site_url + "calculator/" + query)
    errors = _errors(screen)
    assert "Total parameters: '-7B' is not a count (expected e.g. 7241732096, 7.24B, 300M or 2T)" in errors
    assert "Release date 1999-01-01 is outside 2018-01-01 to 2030-12-31" in errors
    assert "Score 1 (mmlu): score 150 is outside [0, 100] for mmlu" in errors
    assert "Score 2 (mmlu): shots 'five' is not a count from 0 to 100" in errors
    assert not screen.find_elements(By.CSS_SELECTOR, ".calc-track")
    assert screen.find_element(By.ID, "calc-status").text == "No result until the inputs are fixed."
    invalid = screen.execute_script(
        "return Array.from(document.querySelectorAll('[aria-invalid=true]')).map((e) => e.id || e.className)"
    )
    assert {"calc-total", "calc-date", "calc-value"} <= set(invalid)
    # fixed, one field at a time: the messages go, the numbers come
    _type(screen.find_element(By.ID, "calc-total"), "7B")
    _set_date(screen, "2024-06-01")
    values = screen.find_elements(By.CSS_SELECTOR, "#calc-rows .calc-value")
    _type(values[0], "61")
    assert "Score 1" not in _errors(screen) and "Total parameters" not in _errors(screen)
    for button in screen.find_elements(By.CSS_SELECTOR, "#calc-rows .calc-remove")[1:]:
        button.click()
    _type(screen.find_element(By.ID, "calc-active"), "")
    WebDriverWait(screen, 5).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".calc-track"))
    assert _errors(screen) == "" and _fits_the_screen(screen)
    assert "total=7B" in screen.current_url and "active" not in screen.current_url


def test_a_shared_address_restores_the_inputs_and_the_result(screen: Any, site_url: str) -> None:
    _open(screen, site_url + "calculator/")
    _type(screen.find_element(By.ID, "calc-total"), "12.5B")
    _type(screen.find_element(By.ID, "calc-active"), "3B")
    _set_date(screen, "2025-02-14")
    Select(screen.find_element(By.ID, "calc-kind")).select_by_value("instruct")
    row = screen.find_element(By.CSS_SELECTOR, "#calc-rows tr")
    Select(row.find_element(By.CSS_SELECTOR, ".calc-bench")).select_by_value("mmlu")
    _type(row.find_element(By.CSS_SELECTOR, ".calc-value"), "61.5")
    _type(row.find_element(By.CSS_SELECTOR, ".calc-shots"), "5")
    Select(row.find_element(By.CSS_SELECTOR, ".calc-cot")).select_by_value("nocot")
    screen.find_element(By.ID, "calc-add").click()
    second = screen.find_elements(By.CSS_SELECTOR, "#calc-rows tr")[1]
    _type(second.find_element(By.CSS_SELECTOR, ".calc-value"), "58")
    _type(second.find_element(By.CSS_SELECTOR, ".calc-protocol"), "obsscaling")
    WebDriverWait(screen, 5).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".calc-track"))
    shared, fields, result = (
        screen.current_url,
        screen.execute_script(FIELDS),
        screen.execute_script(READ_PAGE),
    )
    assert result[0]["density"] and "not_base" in result[0]["flags"]
    assert float(result[0]["density_active"]) == pytest.approx(
        float(result[0]["density"]) * 12.5 / 3, rel=1e-12
    )
    assert screen.find_element(By.ID, "calc-link").get_attribute("href") == shared
    cli = screen.find_element(By.ID, "calc-cli").text
    assert "--params-total 12.5B" in cli and "--kind instruct" in cli and "--score mmlu=61.5:5:nocot" in cli
    screen.get("about:blank")
    _open(screen, shared)
    assert screen.execute_script(FIELDS) == fields
    assert screen.execute_script(READ_PAGE) == result
    assert _errors(screen) == "" and _fits_the_screen(screen)


def test_the_page_gives_the_fit_numbers_and_says_what_they_are(
    screen: Any, site_url: str, site_inputs: dict
) -> None:
    with (site_inputs["fit"] / "densities_by_track.csv").open(encoding="utf-8") as handle:
        citable = [r for r in csv.DictReader(handle) if r["citable"] == "true" and r["track"] == TRACK]
    rows = citable[:3]
    for row in rows:
        _open(screen, site_url + "calculator/")
        search = screen.find_element(By.ID, "calc-preset")
        search.click()
        WebDriverWait(screen, 10).until(
            lambda d: (
                d.execute_script("return document.querySelectorAll('#calc-preset-list option').length") > 5
            )
        )
        _type(search, row["model"])
        search.send_keys("\n")
        WebDriverWait(screen, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".calc-track"))
        (page,) = screen.execute_script(READ_PAGE)
        for key in ("density", "density_low", "density_high", "effective_params"):
            assert float(page[key]) == pytest.approx(float(row[key]), rel=5e-6), (row["model"], key)
        assert page["rank"] == row["rank"] and page.get("flags", "") == row["flags"]
        text = screen.find_element(By.CSS_SELECTOR, f"section[data-track='{TRACK}']").text
        assert (
            "(90% interval " in text
            and f"Would rank {row['rank']} of {len(citable)} citable readings" in text
        )
        assert f"{TRACK} · ruler synth-direct · data {load(site_inputs['records']).version}" in text
        assert _fits_the_screen(screen)


def test_a_hostile_preset_stays_text(browser: Any, site_url: str) -> None:
    _open(browser, site_url + "calculator/")
    search = browser.find_element(By.ID, "calc-preset")
    search.click()
    WebDriverWait(browser, 10).until(
        lambda d: d.execute_script("return document.querySelectorAll('#calc-preset-list option').length") > 5
    )
    names = browser.execute_script(
        "return Array.from(document.querySelectorAll('#calc-preset-list option')).map((o) => o.textContent)"
    )
    assert HOSTILE_NAME in names
    _type(search, HOSTILE_ID)
    browser.find_element(By.ID, "calc-preset-fill").click()
    WebDriverWait(browser, 10).until(lambda d: f"model={HOSTILE_ID}" in d.current_url)
    assert browser.execute_script("return window.__alerts") == []
    assert not browser.find_elements(
        By.CSS_SELECTOR, "#calc-output img, #calc-output script, #calc-output svg"
    )


def test_a_bad_address_is_named_and_an_old_version_is_said(browser: Any, site_url: str) -> None:
    query = "?v=2000.01.0&total=7B&date=2024-01-01&kind=robot&model=" + quote("<b>x</b>")
    query += "&s=garbage&s=" + quote("mmlu=50:5:perhaps") + "&s=" + quote("gpqa=40")
    _open(browser, site_url + "calculator/" + query)
    errors = _errors(browser)
    assert "This link was made with data 2000.01.0; the numbers below use the rulers of data" in errors
    assert "Kind 'robot' in the address: expected one of base, instruct" in errors
    assert "The address names model '<b>x</b>', which is not a model id" in errors
    assert "Score 1 in the address: 'garbage' is not BENCH=VALUE[:SHOTS[:COT]][@PROTOCOL]" in errors
    assert "chain-of-thought 'perhaps' is not cot, nocot or ?" in errors
    assert "benchmark 'gpqa' is not read by any track; expected one of mmlu" in errors
    assert not browser.find_elements(By.CSS_SELECTOR, "#calc-errors b")
    assert browser.execute_script("return window.__alerts") == []


def test_the_page_is_in_the_nav_and_loads_only_its_own_scripts(site_url: str, built_site: Path) -> None:
    html = (built_site / "calculator" / "index.html").read_text(encoding="utf-8")
    assert (
        "density-engine.js" in html and "calculator.js" in html and ".calc-form fieldset" in html
    )  # styles inline
    assert "leaderboard.js" not in html and "charts.js" not in html
    assert 'href="calculator/"' in (built_site / "index.html").read_text(encoding="utf-8")
    assert "calculator.js" not in (built_site / "index.html").read_text(encoding="utf-8")
