"""The built site served under another path prefix (a mirror, a fork's Pages site): the 404 page and
the leaderboard's rows.html load cleanly in Chromium, as GitHub Pages serves them."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from tests.site.local_server import QuietHandler, serve
from tests.site.test_site_browser import _open, _problems

pytestmark = pytest.mark.browser

PREFIX = "mirror/of/densing/"


class _PagesHandler(QuietHandler):
    """A static server that answers a missing address under the site with the site's 404.html and
    status 404, as GitHub Pages does."""

    site_root: Path

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = self.site_root / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def prefixed_url(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The built site copied to ``<tmp>/mirror/of/densing/`` and ``<tmp>`` served on 127.0.0.1."""
    root = tmp_path_factory.mktemp("prefixed")
    shutil.copytree(built_site, root / PREFIX)
    handler = type("Handler", (_PagesHandler,), {"site_root": root / PREFIX})
    with serve(root, handler) as url:
        yield url + PREFIX


def _other_problems(browser: Any, url: str) -> list[str]:
    """Console problems other than the page's own 404 status."""
    return [p for p in _problems(browser) if not (p.startswith(url) and "status of 404" in p)]


@pytest.mark.parametrize("missing", ["no-such-page/", "models/no-such-model/deeper/still/", "x.html"])
def test_the_404_page_is_styled_and_quiet_under_any_prefix(
    browser: Any, prefixed_url: str, missing: str
) -> None:
    url = prefixed_url + missing
    _open(browser, url)
    assert not _other_problems(browser, url)
    assert browser.title.startswith("Page not found")
    header = browser.execute_script(
        "const h = document.querySelector('.md-header');"
        "return h && getComputedStyle(h).position + ' ' + getComputedStyle(h).backgroundColor"
    )
    assert header and header.startswith("sticky") and "0, 0, 0, 0" not in header, header  # themed
    hrefs = browser.execute_script("return Array.from(document.links).map(a => a.getAttribute('href'))")
    assert all(h.startswith("https://") for h in hrefs), hrefs  # none depends on where it is served
    assert "https://densing-law.github.io/leaderboard/data/" in hrefs


def test_rows_html_is_a_quiet_page_with_a_viewport_under_any_prefix(browser: Any, prefixed_url: str) -> None:
    _open(browser, prefixed_url + "rows.html")
    assert not _problems(browser)
    viewport = browser.execute_script(
        "const m = document.querySelector('meta[name=viewport]'); return m && m.content"
    )
    assert viewport == "width=device-width,initial-scale=1"
    assert browser.execute_script("return document.querySelectorAll('tbody tr[data-id]').length") > 0
    back = browser.execute_script("return document.querySelector('p a').href")
    assert back == prefixed_url  # the leaderboard it belongs to


def test_the_leaderboard_shows_all_rows_under_a_prefix(browser: Any, prefixed_url: str) -> None:
    _open(browser, prefixed_url)
    browser.execute_script("document.getElementById('lb-all').click()")
    total = browser.execute_script("return parseInt(document.getElementById('leaderboard').dataset.total)")
    WebDriverWait(browser, 10).until(
        lambda d: (
            d.execute_script("return document.querySelectorAll('#leaderboard tbody tr').length") == total
        )
    )
    assert not _problems(browser)
