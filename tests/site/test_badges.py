"""Badges: the SVG says the density with its 90% interval (or the bound), track and data version,
links to the model page and carries record text escaped once; the build writes one per reading with
a density; the model page shows the badge and the snippets to copy (in Chromium)."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from densing_site.citing.badges import badge_snippets, badge_svg, make_badge, text_width
from tests.site.synthetic import HOSTILE_ID, HOSTILE_NAME

SVG = "{http://www.w3.org/2000/svg}"
EXACT = {
    "model": "llama-x",
    "track": "paper-settings",
    "density": 1.2712,
    "density_low": 1.0311,
    "density_high": 1.5617,
    "flags": "extrapolated",
    "citable": True,
}


def _badge(row: dict[str, Any], name: str = "Llama X") -> Any:
    return make_badge(
        row, name=name, track_label="Paper's settings", ruler="qwen2.5-blog", version="2026.12.3"
    )


def test_an_exact_reading_gives_density_interval_track_and_version() -> None:
    badge = _badge(EXACT)
    assert badge.label == "density · paper-settings"
    assert badge.value == "1.27 · 90% [1.03, 1.56] · data 2026.12.3"
    assert badge.path == "badges/paper-settings/llama-x.svg"
    assert badge.title.startswith(
        "Density of Llama X: 1.27, 90% interval 1.03 to 1.56, on the Paper's settings track"
    )
    assert "(paper-settings, ruler qwen2.5-blog), data 2026.12.3" in badge.title


@pytest.mark.parametrize(("flag", "sign"), [("above_ruler", "≥ 6.4 · data"), ("below_ruler", "≤ 6.4 · data")])
def test_a_bound_says_so_and_has_no_interval(flag: str, sign: str) -> None:
    badge = _badge(
        EXACT | {"density": 6.4, "density_low": None, "density_high": None, "flags": flag, "citable": False}
    )
    assert badge.value.startswith(sign) and "90%" not in badge.value
    assert "a bound: no interval" in badge.title
    assert _badge(EXACT | {"density": None}) is None


def test_the_svg_links_to_the_model_page_and_escapes_the_name_once() -> None:
    badge = _badge(EXACT, name=HOSTILE_NAME + ' & "quoted"')
    text = badge_svg(badge)
    root = ET.fromstring(text)  # well-formed: the name did not break out of its element
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.find(f"{SVG}title").text == badge.title  # the name reads as written, escaped once
    assert root.get("aria-labelledby") == root.find(f"{SVG}title").get("id")
    link = root.find(f"{SVG}a")
    assert link.get("href") == "https://densing-law.github.io/leaderboard/models/llama-x/"
    texts = [t.text for t in link.iter(f"{SVG}text")]
    assert texts == [badge.label, badge.value]
    assert "<img" not in text and "&amp;lt;" not in text and "&lt;img" in text
    assert [e.tag.removeprefix(SVG) for e in root.iter()] == [
        "svg",
        "title",
        "a",
        "rect",
        "rect",
        "g",
        "text",
        "text",
    ]
    assert int(root.get("width")) == text_width(badge.label) + text_width(badge.value) + 24


def test_the_snippets_link_the_badge_to_the_model_page() -> None:
    snippets = badge_snippets(_badge(EXACT))
    image = "https://densing-law.github.io/leaderboard/badges/paper-settings/llama-x.svg"
    page = "https://densing-law.github.io/leaderboard/models/llama-x/"
    alt = "Density of llama-x on the paper-settings track (90% interval), Densing Law leaderboard"
    assert snippets["markdown"] == f"[![{alt}]({image})]({page})"
    assert snippets["html"].startswith(f'<a href="{page}"><img src="{image}" alt="Density of llama-x')


def test_the_build_writes_a_badge_per_reading_with_a_density(built_site: Path, site_inputs: dict) -> None:
    with (site_inputs["fit"] / "densities_by_track.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    written = {
        p.relative_to(built_site / "badges").as_posix() for p in (built_site / "badges").rglob("*.svg")
    }
    assert written == {f"{r['track']}/{r['model']}.svg" for r in rows if r["density"]}
    hostile = next(r for r in rows if r["model"] == HOSTILE_ID)
    root = ET.fromstring((built_site / "badges" / hostile["track"] / f"{HOSTILE_ID}.svg").read_text("utf-8"))
    assert root.find(f"{SVG}title").text.startswith(f"Density of {HOSTILE_NAME}:")


@pytest.mark.browser
def test_the_model_page_shows_the_badge_and_its_snippets(
    browser: Any, site_url: str, built_site: Path
) -> None:
    for model in ("fam000-0-12p7b", HOSTILE_ID):
        browser.get(f"{site_url}models/{model}/")
        box = WebDriverWait(browser, 20).until(lambda d: d.find_element(By.CSS_SELECTOR, "details.badge-box"))
        box.find_element(By.TAG_NAME, "summary").click()
        image = box.find_element(By.CSS_SELECTOR, "img.badge-preview")
        WebDriverWait(browser, 10).until(
            lambda d, image=image: d.execute_script("return arguments[0].naturalWidth", image) > 50
        )
        track = box.get_attribute("data-track")
        markdown = box.find_element(By.CSS_SELECTOR, "code.badge-markdown").text
        html = box.find_element(By.CSS_SELECTOR, "code.badge-html").text
        page = f"https://densing-law.github.io/leaderboard/models/{model}/"
        assert markdown.endswith(
            f"(https://densing-law.github.io/leaderboard/badges/{track}/{model}.svg)]({page})"
        )
        assert html.startswith(f'<a href="{page}"><img src=') and html.endswith("></a>")
        assert (
            image.get_attribute("alt")
            == f"Density of {model} on the {track} track (90% interval), Densing Law leaderboard"
        )
        if model == HOSTILE_ID:  # the name reads as written under the badge: escaped once, never markup
            note = box.find_element(By.CSS_SELECTOR, "p.badge-title").text
            assert note.startswith(f"Density of {HOSTILE_NAME}:")
            assert browser.execute_script("return window.__alerts") == []
            assert not browser.find_elements(By.CSS_SELECTOR, "details.badge-box img:not(.badge-preview)")
