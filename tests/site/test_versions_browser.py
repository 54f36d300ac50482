"""Released data versions in a real headless Chromium: the frozen pages load cleanly and say which
version they show; the switcher on the current pages leads to them and their banner leads back."""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.site.test_site_browser import _open, _problems
from tests.site.versioned import FIRST, SECOND

# One worker builds the versioned site (tests/site/versioned.py) for every test that reads it.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("versioned")]


def _banner(browser: Any) -> str | None:
    """The frozen banner's version when one is shown on screen, else None."""
    return browser.execute_script(
        "const b = document.getElementById('frozen-version');"
        "return b && b.getBoundingClientRect().height > 0 ? b.dataset.version : null"
    )


def test_frozen_pages_load_cleanly_and_say_their_version(
    browser: Any, versioned: dict[str, Any], versioned_url: str
) -> None:
    site = versioned["site"]
    failures = {}
    for version in (FIRST, SECOND):
        copy = site / "v" / version
        model = sorted((copy / "models").iterdir())[0].name
        track = sorted((copy / "track").iterdir())[0].name if (copy / "track").is_dir() else None
        pages = ["", "densing-law/", f"models/{model}/"] + ([f"track/{track}/"] if track else [])
        for page in pages:
            _open(browser, f"{versioned_url}v/{version}/{page}")
            problems = _problems(browser)
            if problems or _banner(browser) != version:
                failures[f"{version}/{page}"] = problems or f"banner says {_banner(browser)}"
    assert not failures, failures


def test_the_switcher_leads_to_a_frozen_copy_and_its_banner_back(
    browser: Any, versioned: dict[str, Any], versioned_url: str
) -> None:
    model = versioned["added"][0]
    _open(browser, f"{versioned_url}models/{model}/")
    assert _banner(browser) is None and not _problems(browser)
    browser.find_element(By.CSS_SELECTOR, "details.densing-versions > summary").click()
    browser.find_element(By.CSS_SELECTOR, f"details.densing-versions a[data-version='{SECOND}']").click()
    WebDriverWait(browser, 10).until(lambda d: _banner(d) == SECOND)
    assert browser.current_url == f"{versioned_url}v/{SECOND}/models/{model}/"
    assert not _problems(browser)
    browser.find_element(By.LINK_TEXT, "The current version of this page").click()
    WebDriverWait(browser, 10).until(lambda d: d.current_url == f"{versioned_url}models/{model}/")
    assert _banner(browser) is None
    _open(browser, f"{versioned_url}models/{model}/")
    browser.find_element(By.CSS_SELECTOR, "details.densing-versions > summary").click()
    browser.find_element(By.CSS_SELECTOR, f"details.densing-versions a[data-version='{FIRST}']").click()
    WebDriverWait(browser, 10).until(lambda d: _banner(d) == FIRST)  # not in FIRST: its leaderboard
    assert browser.current_url == f"{versioned_url}v/{FIRST}/"


def test_a_frozen_leaderboard_shows_all_its_rows_and_links_out_to_the_current_site(
    browser: Any, versioned_url: str
) -> None:
    _open(browser, f"{versioned_url}v/{FIRST}/")
    total = browser.execute_script("return parseInt(document.getElementById('leaderboard').dataset.total)")
    browser.execute_script("document.getElementById('lb-all').click()")
    WebDriverWait(browser, 10).until(
        lambda d: (
            d.execute_script("return document.querySelectorAll('#leaderboard tbody tr').length") == total
        )
    )
    assert not _problems(browser)
    ruler = browser.execute_script(
        "return Array.from(document.links).find(a => /ruler\\/$/.test(a.href)).href"
    )
    assert ruler == f"{versioned_url}ruler/"  # a page the copy does not hold: the current site's
