"""Crawl the built site as a link checker would: every internal link, script, style and anchor
resolves; no page has a generic title; the sitemap lists every page (under site_url)."""

from __future__ import annotations

import html
import html.parser
import re
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import yaml

from densing_data import load
from densing_site.paths import MKDOCS_YML
from tests.site.synthetic import HOSTILE_ID, HOSTILE_NAME

SITE_URL = yaml.safe_load(MKDOCS_YML.read_text(encoding="utf-8").split("\nhooks:")[0])["site_url"]


class _Page(html.parser.HTMLParser):
    """Links (href/src of a, link, script, img), element ids and the <title> of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("id", "name") and value:
                self.ids.add(value)
            linked = (tag, name) in {("a", "href"), ("link", "href"), ("script", "src"), ("img", "src")}
            if value and linked and not (tag == "link" and ("rel", "canonical") in attrs):
                self.links.append(value)
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = self._in_title and tag != "title"

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def _pages(site: Path) -> dict[Path, _Page]:
    pages = {}
    for path in sorted(site.rglob("*.html")):
        if "assets" in path.relative_to(site).parts:
            continue
        parser = _Page()
        parser.feed(path.read_text(encoding="utf-8"))
        pages[path] = parser
    return pages


def _resolve(site: Path, page: Path, target: str) -> Path:
    path = unquote(target)
    base = site if path.startswith("/") else page.parent
    resolved = (base / path.lstrip("/") if path else page).resolve()
    return resolved / "index.html" if resolved.is_dir() else resolved


def test_every_internal_link_and_anchor_resolves(built_site: Path) -> None:
    pages = _pages(built_site)
    broken = []
    for page, parsed in pages.items():
        for link in parsed.links:
            url, fragment = urldefrag(link)
            parts = urlsplit(url)
            if parts.scheme or parts.netloc:
                continue
            target = _resolve(built_site, page, parts.path)
            name = f"{page.relative_to(built_site)} -> {link}"
            if not target.exists():
                broken.append(f"{name} (no such file)")
            elif fragment and target.suffix == ".html" and fragment not in pages[target].ids:
                broken.append(f"{name} (no element with id {fragment!r})")
    assert not broken, "\n".join(broken[:30])


def test_no_page_has_a_generic_title(built_site: Path, site_inputs: dict[str, Path]) -> None:
    generic = {"", "page", "index", "untitled", "densing law leaderboard"}
    titles = {}
    for page, parsed in _pages(built_site).items():
        first = html.unescape(parsed.title).rsplit(" - Densing Law leaderboard", 1)[0].strip()
        titles[page.relative_to(built_site).as_posix()] = first
        if page.name != "404.html":
            assert first.lower() not in generic, (page, parsed.title)
    assert titles["index.html"] == "Leaderboard"
    assert titles["data/index.html"] == "Data & citation"
    assert titles[f"models/{HOSTILE_ID}/index.html"] == HOSTILE_NAME  # as text (escaped in the HTML)
    models = load(site_inputs["records"]).models
    for model_id, name in zip(models["id"], models["name"], strict=True):
        assert titles[f"models/{model_id}/index.html"] == name  # the model's name, not its record id


def test_sitemap_lists_every_page(built_site: Path) -> None:
    sitemap = (built_site / "sitemap.xml").read_text(encoding="utf-8")
    listed = set(re.findall(r"<loc>([^<]+)</loc>", sitemap))
    pages = {
        SITE_URL + ("" if p.parent == built_site else p.parent.relative_to(built_site).as_posix() + "/")
        for p in built_site.rglob("index.html")
        if "assets" not in p.relative_to(built_site).parts
    }
    assert len(pages) > 20
    assert listed == pages


def test_the_404_page_loads_nothing_and_links_to_the_published_site(built_site: Path) -> None:
    """A server shows 404.html at any depth and under any prefix: it must need no other file."""
    text = (built_site / "404.html").read_text(encoding="utf-8")
    page = _Page()
    page.feed(text)
    loaded = re.findall(r"<(?:link|script|img)\b[^>]*?\s(?:href|src)=\"([^\"]*)\"", text)
    assert loaded and all(link.startswith("data:image/png;base64,") for link in loaded), loaded
    assert "<style>" in text and ".md-header" in text  # the theme's stylesheet, inline
    anchors = [link for link in page.links if not link.startswith("data:")]
    assert f'href="{SITE_URL}data/"' in text
    assert anchors and all(urlsplit(link).scheme == "https" for link in anchors), anchors
    assert page.title.startswith("Page not found")


def test_one_count_of_records_everywhere(built_site: Path, site_inputs: dict[str, Path]) -> None:
    rulers = len(load(site_inputs["records"]).rulers)
    sentences = []
    for page in ("data/index.html", "changelog/index.html"):
        text = (built_site / page).read_text(encoding="utf-8")
        sentences.append(re.search(r"\d[\d,]* models, [^<]*? rulers[^.<]*", text).group(0))
    assert sentences[0] == sentences[1] and f"{rulers} rulers" in sentences[0]
