""" "Cite this" boxes without a browser: the metadata they read (CITATION.cff, .zenodo.json's DOI
slot), BibTeX escaping, the address they cite, what a box says about a bound or a ranked reading,
and the boxes on the built pages (each escaped exactly once)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from densing_site.citing import citation
from densing_site.citing.citation import (
    CitationError,
    CiteMeta,
    bibtex_text,
    cite_url,
    frozen_page_url,
    make_citation,
    read_cite_meta,
)
from densing_site.citing.cite_boxes import CiteContext, density_number, rank_words
from densing_site.citing.links import SITE_URL
from tests.site.synthetic import HOSTILE_ID, HOSTILE_NAME

CFF = """cff-version: 1.2.0
title: "Test data: density"
authors:
  - name: "Test contributors"
  - family-names: Doe
    given-names: Jane
version: "2026.12.0"
"""


def _repo(tmp_path: Path, cff: str = CFF, zenodo: dict | None = None) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "CITATION.cff").write_text(cff, encoding="utf-8")
    if zenodo is not None:
        (tmp_path / ".zenodo.json").write_text(json.dumps(zenodo), encoding="utf-8")
    return tmp_path


def test_metadata_comes_from_citation_cff_and_the_doi_slot(tmp_path: Path) -> None:
    meta = read_cite_meta(_repo(tmp_path / "a"))
    assert meta == CiteMeta(title="Test data: density", authors=("Test contributors", "Doe, Jane"), doi=None)
    with_doi = read_cite_meta(_repo(tmp_path / "b", zenodo={"doi": "10.5281/zenodo.123"}))
    assert with_doi.doi == "10.5281/zenodo.123"


def test_the_papers_doi_is_not_taken_for_the_datas(tmp_path: Path) -> None:
    cff = CFF + 'preferred-citation:\n  type: article\n  doi: "10.1038/s42256-025-01137-0"\n'
    assert read_cite_meta(_repo(tmp_path / "a", cff)).doi is None


@pytest.mark.parametrize(
    ("cff", "zenodo", "message"),
    [
        ("title: [unclosed\n", None, r"CITATION\.cff:\d+: not valid YAML"),
        (CFF, "{not json", r"\.zenodo\.json:1: invalid JSON"),
        (CFF, {"doi": "zenodo-123"}, r"DOI 'zenodo-123' is not of the form 10\.NNNN/suffix"),
    ],
)
def test_bad_metadata_names_the_file_and_what_is_wrong(
    tmp_path: Path, cff: str, zenodo: object, message: str
) -> None:
    root = _repo(tmp_path, cff)
    if zenodo is not None:
        text = zenodo if isinstance(zenodo, str) else json.dumps(zenodo)
        (root / ".zenodo.json").write_text(text, encoding="utf-8")
    with pytest.raises(CitationError, match=message):
        read_cite_meta(root)


def test_bibtex_text_escapes_tex_once() -> None:
    assert bibtex_text("50% & {x}_1 #2 $3 ~a^b \\c") == (
        r"50\% \& \{x\}\_1 \#2 \$3 \textasciitilde{}a\textasciicircum{}b \textbackslash{}c"
    )
    assert bibtex_text("0.41–0.66\nnext") == "0.41--0.66 next"


def test_one_helper_builds_the_frozen_address(monkeypatch: pytest.MonkeyPatch) -> None:
    assert frozen_page_url("2026.12.0", "models/x/") == f"{SITE_URL}v/2026.12.0/models/x/"
    assert cite_url("models/x/", "2026.12.0", released=True) == f"{SITE_URL}models/x/"  # none published yet
    monkeypatch.setattr(citation, "FROZEN_PAGES", True)
    assert cite_url("models/x/", "2026.12.0", released=True) == frozen_page_url("2026.12.0", "models/x/")
    assert cite_url("models/x/", "2026.12.0", released=False) == f"{SITE_URL}models/x/"


def test_a_citation_names_its_number_version_and_doi() -> None:
    meta = CiteMeta(title="T & data", authors=("Org", "Doe, Jane"), doi="10.5281/zenodo.9")
    cite = make_citation(
        meta,
        what="M_1",
        number="density 2 (90% interval 1–3)",
        version="2026.12.0",
        url="https://x/",
        key_parts=("m", "t"),
    )
    assert cite.text == (
        "Org; Doe, Jane (2026). T & data, data version 2026.12.0. M_1: density 2 (90% interval 1–3). "
        "https://x/. DOI: 10.5281/zenodo.9."
    )
    assert cite.bibtex.startswith("@misc{densing_2026_12_0_m_t,\n")
    assert "  author  = {{Org} and Doe, Jane},\n" in cite.bibtex
    assert "  title   = {T \\& data},\n" in cite.bibtex and "  doi     = {10.5281/zenodo.9},\n" in cite.bibtex
    assert "  note    = {M\\_1: density 2 (90\\% interval 1--3)}\n}" in cite.bibtex


def _reading(**extra: object) -> dict:
    row = {"effective_params": 2e9, "params": 1e9, "rank_low": 2, "rank_high": 5}
    return {
        "row": row,
        "flags": [],
        "density": 2.0,
        "low": 1.5,
        "high": 2.6,
        "label": "Paper",
        "id": "paper",
        "ruler": "r1",
        "rank": 3,
        "n_citable": 40,
    } | extra


def test_a_density_says_its_interval_rank_range_track_ruler_and_version() -> None:
    words = density_number(_reading(), "2026.12.0")
    assert words == (
        "density 2 (90% interval 1.5–2.6), effective size 2B against 1B parameters, Paper track (paper), "
        "ruler r1, rank 3 of 40 citable readings (90% rank range 2–5), data version 2026.12.0"
    )


def test_a_bound_says_it_is_one_and_is_not_ranked() -> None:
    words = density_number(_reading(flags=[("above_ruler", "")], low=None, high=None, rank=None), "2026.12.0")
    assert words.startswith("density at least 2 (a lower bound: a score lies above the ruler's reach")
    assert "not ranked" in words and "rank range" not in words
    assert rank_words(None, 40, 1, 2).startswith("not ranked")


def test_model_pages_carry_one_box_per_reading_escaped_once(
    built_site: Path, site_inputs: dict[str, Path]
) -> None:
    boxes = 0
    for page in (built_site / "models").glob("*/index.html"):
        text = page.read_text(encoding="utf-8")
        for box in re.findall(r'<details class="cite-box".*?</details>', text, re.S):
            boxes += 1
            bibtex = html.unescape(re.search(r'<pre class="cite-bibtex">(.*?)</pre>', box, re.S).group(1))
            plain = html.unescape(re.search(r'<pre class="cite-text">(.*?)</pre>', box, re.S).group(1))
            assert "90\\% interval" in bibtex or "bound" in bibtex, bibtex
            assert re.search(r"version = \{\d{4}\.\d{2}\.\d+\}", bibtex)
            assert f"{SITE_URL}models/{page.parent.name}/" in bibtex and " track (" in plain
            assert "DOI: assigned on publication" in plain
    assert boxes
    hostile = (built_site / "models" / HOSTILE_ID / "index.html").read_text(encoding="utf-8")
    assert HOSTILE_NAME not in hostile  # never as markup
    for box in re.findall(r'<pre class="cite-text">(.*?)</pre>', hostile, re.S):
        assert html.unescape(box).count(HOSTILE_NAME) == 1  # the name as written: escaped once, not twice


def test_every_chart_has_a_box_and_a_named_download(built_site: Path) -> None:
    law = (built_site / "densing-law" / "index.html").read_text(encoding="utf-8")
    assert law.count('<details class="cite-box"') >= 2  # one per track
    assert re.search(r'data-download="densing-law-\{track\}-\d{4}\.\d{2}\.\d+\.svg"', law)
    home = (built_site / "index.html").read_text(encoding="utf-8")
    link = re.search(r'href="(charts/trend-([^"]+)\.svg)" download="densing-law-([^"]+)\.svg"', home)
    assert link and link.group(3).startswith(link.group(2) + "-")
    svg = (built_site / link.group(1)).read_text(encoding="utf-8")
    title = re.search(r"<title>([^<]+)</title>", svg).group(1)
    assert f"track ({link.group(2)}), data version " in title
    assert 'href="https://' in svg  # points link to the published model pages, not relative paths
    after_chart = home.split('id="lb-chart"')[1].split("</figure>")[1]  # the box right after the chart
    assert after_chart.lstrip().startswith('<div class="lb-cite"><details class="cite-box"')
    ruler = (built_site / "ruler" / "index.html").read_text(encoding="utf-8")
    assert ruler.count('<details class="cite-box"') == ruler.count('<figure class="densing-chart"') > 0


def test_cite_context_is_built_from_the_repository(site_inputs: dict[str, Path]) -> None:
    ctx = CiteContext(read_cite_meta(Path(__file__).resolve().parents[2]), "2026.12.0", released=False)
    assert ctx.url("models/x/") == f"{SITE_URL}models/x/"
    assert ctx.meta.authors == ("Densing Law leaderboard contributors",)
