"""A model page summarises before it documents: density with interval and rank per track, effective
size, what reads it, its flags explained, small charts, sources as links, curation notes folded away,
record paths linked to the repository, settings without stray commas."""

from __future__ import annotations

import html as html_module
import json
import re
import subprocess
from pathlib import Path

from densing_site.citing.links import REPO_URL
from densing_site.pages.models import setting_words
from densing_site.paths import REPO_ROOT
from tests.site.synthetic import HOSTILE_ID
from tests.site.tracks_fixture import track_ids


def _page(built_site: Path, model: str) -> str:
    return (built_site / "models" / model / "index.html").read_text(encoding="utf-8")


def _ranked_model(site_inputs: dict[str, Path]) -> str:
    default, _ = track_ids(site_inputs["fit"])
    text = (site_inputs["fit"] / "tracks" / default / "densities.csv").read_text(encoding="utf-8")
    header, *lines = text.splitlines()
    columns = header.split(",")
    for line in lines:
        row = dict(zip(columns, line.split(","), strict=False))
        if row["rank"] == "1":
            return row["model"]
    raise AssertionError("no rank 1 in the fixture")


def test_summary_comes_first_with_rank_interval_and_charts(
    built_site: Path, site_inputs: dict[str, Path]
) -> None:
    page = _page(built_site, _ranked_model(site_inputs))
    summary = page.index('class="model-summary-lead"')
    assert summary < page.index("<h2>Density per benchmark</h2>")
    lead = page[summary : page.index("</div>", summary)]
    assert re.search(
        r"Density <strong>[\d.]+</strong> \(90% interval [\d.]+–[\d.]+\), rank <strong>1</strong>", lead
    )
    assert "Effective size <strong>" in lead and "Read with the" in lead
    assert re.search(r"Effective size <strong>[^<]+</strong> \(90% interval [^)]+\)", lead)  # says what it is
    assert "model-tracks" in lead  # every track's reading side by side
    start = page.index('class="model-charts"')
    charts = page[start : page.index("</div>", start)]
    assert charts.count('<svg class="dl-svg"') == charts.count('<svg class="ruler-svg"') == 1  # trend, ruler
    assert 'class="pt pt-me"' in charts


def test_provenance_is_folded_and_records_link_to_the_repository(built_site: Path) -> None:
    page = _page(built_site, HOSTILE_ID)
    assert '<details class="provenance"' in page and '<details class="provenance" open' not in page
    notes = page.index("Curation notes") if "Curation notes" in page else None
    details = page.index('<details class="provenance"')
    assert notes is None or notes > details
    # pinned to the commit the site was built from (these records are in no release), never a branch
    head = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert re.search(rf'<a href="{re.escape(REPO_URL)}/blob/{head}/[^"]+\.yaml#L\d+"', page)
    assert "/blob/main/" not in page


def test_setting_has_no_stray_comma() -> None:
    assert setting_words({"metric": None, "shots": 25, "cot": False}) == "25-shot"
    assert setting_words({"metric": "accuracy", "shots": 5, "cot": True}) == "accuracy, 5-shot, CoT"
    assert setting_words({"metric": "", "shots": None, "cot": True}) == "CoT"
    assert setting_words({"metric": "pass@1", "shots": float("nan"), "cot": False}) == "pass@1"


def test_flags_on_a_model_page_are_explained(built_site: Path, site_inputs: dict[str, Path]) -> None:
    texts = json.loads((site_inputs["fit"] / "flags.json").read_text(encoding="utf-8"))
    explained = 0
    for page in (built_site / "models").glob("*/index.html"):
        html = page.read_text(encoding="utf-8")
        for flag in re.findall(r'<ul class="model-flags">.*?</ul>', html, re.S):
            for title, name in re.findall(r'<span class="lb-flag" title="([^"]*)">([^<]+)</span>', flag):
                assert html_module.unescape(title) == texts[name]
                explained += 1
    assert explained
