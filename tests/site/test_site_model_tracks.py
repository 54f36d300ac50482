"""A model page for a model the default track does not read: it leads with the first track that
gives the model a density, has a density-per-benchmark section for every track that reads it (with
that track's numbers), one line for a track that reads nothing, charts captioned with their track;
its Scores table names each protocol by slug and describes it once, under the table; record text
stays escaped; and the page never scrolls sideways at desktop or phone width.

The fit outputs are the synthetic site's, edited: the default track gives the target model no
density, the second track gives it known numbers, and a third track has no row for it."""

from __future__ import annotations

import html
import html.parser
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from markupsafe import escape

from densing_data.store import append_records
from densing_site.build import build_site
from densing_site.pages.models import LONG_NOTE as LONG_NOTE_CHARS
from densing_site.pages.models import SHORT_LOCATOR, protocol_legend, shared_notes, short_location
from densing_site.text.formatting import fmt_number, fmt_params
from tests.site.conftest import PHONE, write_fit_outputs
from tests.site.local_server import serve
from tests.site.synthetic import HOSTILE_ID, _score_record, write_synthetic_records
from tests.site.tracks_fixture import track_ids

THIRD_TRACK = "third-track"
THIRD_LABEL = "Third <b>track</b>"
EFFECTIVE = {"mmlu": 1.23e9, "arc-c": 2.34e9, "hellaswag": 3.45e9}
"""The second track's effective size of the target model per benchmark (set in the fit outputs)."""
DESCRIPTION_A = "Protocol A: <b>5-shot</b> & one <script>alert('a')</script> harness"
DESCRIPTION_A2 = "Protocol A as another source describes it"
SHARED_NOTE = "Shared note <img src=x onerror=alert(7)>"
LONG_NOTE = "Other values for this model and benchmark disagree: " + "52.1 (5-shot, a report) | " * 12
LONG_LOCATOR = "Table 7 'Results', row 'target-model', column 'MMLU 5-shot' (value 0.4321); " * 2


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _write(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n")


def _pick_target(second: pd.DataFrame) -> str:
    rows = second[
        (second["density"] != "") & (second["kind"] == "base") & ~second["model"].str.startswith("ref-")
    ]
    return str(rows["model"].iloc[0])


def _edit_fit(fit: Path) -> dict[str, Any]:
    """Take the target's density off the default track, give it known numbers on the second track,
    and add a third track without it."""
    default, others = track_ids(fit)
    second_id = others[0]
    default_csv = fit / "tracks" / default / "densities.csv"
    second_csv = fit / "tracks" / second_id / "densities.csv"
    first, second = _read(default_csv), _read(second_csv)
    target = _pick_target(second)
    row = first["model"] == target
    blank = [c for c in first.columns if c.startswith(("density", "effective_params"))]
    blank += [c for c in first.columns if c.startswith(("arc-c_", "hellaswag_"))]
    first.loc[row, blank] = ""
    first.loc[row, ["flags", "rank", "rank_low", "rank_high", "citable", "in_trend", "frontier"]] = [
        "too_few_benchmarks",
        "",
        "",
        "",
        "false",
        "false",
        "false",
    ]
    first.loc[row, "mmlu_flag"] = "below_ruler"
    _write(first, default_csv)
    row = second["model"] == target
    for bench, value in EFFECTIVE.items():
        second.loc[row, f"{bench}_effective_params"] = f"{value:g}"
        second.loc[row, f"{bench}_flag"] = ""
    second.loc[row, ["density", "density_low", "density_high", "effective_params"]] = [
        "0.777",
        "0.7",
        "0.85",
        "2e9",
    ]
    second.loc[row, ["flags", "rank", "rank_low", "rank_high", "citable", "in_trend"]] = [
        "",
        "3",
        "2",
        "5",
        "true",
        "true",
    ]
    _write(second, second_csv)
    third = fit / "tracks" / THIRD_TRACK
    shutil.copytree(fit / "tracks" / second_id, third)
    _write(second[second["model"] != target], third / "densities.csv")
    index = json.loads((fit / "tracks.json").read_text(encoding="utf-8"))
    entry = next(t for t in index["tracks"] if t["id"] == second_id)
    index["tracks"].append(entry | {"id": THIRD_TRACK, "label": THIRD_LABEL})
    (fit / "tracks.json").write_text(json.dumps(index, indent=2), encoding="utf-8")
    params = float(second.loc[row, "params"].iloc[0])
    label = entry["label"]
    return {"target": target, "default": default, "second": second_id, "label": label, "params": params}


def _extra_scores(target: str) -> list[dict[str, Any]]:
    """Scores of the target under two more protocols: one with two descriptions, one with none;
    a note shared by two scores, and a long locator."""
    long_source = {"url": "https://example.org/long", "locator": LONG_LOCATOR}
    return [
        _score_record(
            target,
            "mmlu",
            41.0,
            id=f"{target}.mmlu.alt-a",
            protocol="proto-a",
            protocol_notes=DESCRIPTION_A,
            notes=SHARED_NOTE,
            source=long_source,
        ),
        _score_record(
            target,
            "arc-c",
            42.0,
            id=f"{target}.arc-c.alt-a",
            protocol="proto-a",
            protocol_notes=DESCRIPTION_A,
            notes=SHARED_NOTE,
        ),
        _score_record(
            target,
            "hellaswag",
            43.0,
            id=f"{target}.hellaswag.alt-a2",
            protocol="proto-a",
            protocol_notes=DESCRIPTION_A2,
        ),
        _score_record(
            target, "hellaswag", 44.0, id=f"{target}.hellaswag.alt-c", protocol="proto-c", notes=LONG_NOTE
        ),
    ]


@pytest.fixture(scope="module")
def track_site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The synthetic site with the edited fit outputs, built once for this module."""
    root = tmp_path_factory.mktemp("model-tracks")
    records = write_synthetic_records(root / "records", 24, hostile=True)
    fit = write_fit_outputs(records, root / "fit")
    facts = _edit_fit(fit)
    append_records("score", _extra_scores(facts["target"]), records_dir=records)
    build_site(records_dir=records, out_dir=root / "site", fit_dir=fit, docs_dir=root / "src")
    page = (root / "site" / "models" / facts["target"] / "index.html").read_text(encoding="utf-8")
    return facts | {"site": root / "site", "page": page}


def _between(page: str, start: str, end: str) -> str:
    i = page.index(start)
    return page[i : page.index(end, i)]


def _section(page: str, track: str) -> str:
    return _between(page, f'<section class="model-track" id="track-{track}"', "</section>")


def test_page_leads_with_the_first_track_that_gives_a_density(track_site: dict[str, Any]) -> None:
    page = track_site["page"]
    lead = _between(page, 'class="model-summary-lead"', "</div>")
    label = html.escape(track_site["label"], quote=True)
    assert "No density on the default" in lead
    assert f'<a href="#track-{track_site["default"]}">what it read</a>' in lead
    assert re.search(
        rf"Density <strong>0\.777</strong> \(90% interval 0\.7–0\.85\), rank <strong>3</strong> of \d+ "
        rf'citable readings \(90% rank range 2–5\) on the <a href="[^"]*">{re.escape(label)}</a> track',
        lead,
    )
    charts = _between(page, '<div class="model-charts"', "</div>")
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", charts, re.S)
    assert len(captions) == 2  # trend and ruler, both of the second track
    assert all(f">{label}</a> track" in c for c in captions), captions
    assert f"densing-law trend of the {label} track" in charts  # the chart's own label


def test_every_reading_track_has_its_section_with_its_numbers(track_site: dict[str, Any]) -> None:
    page, default, second = track_site["page"], track_site["default"], track_site["second"]
    sections = re.findall(r'<section class="model-track" id="track-([^"]+)"', page)
    assert sections == [default, second]  # the default first, then the others; the third reads nothing
    first = _section(page, default)
    assert "No density on this track" in first and "too_few_benchmarks" in first
    assert first.count("<tr>") == 2  # header and MMLU; ARC-C and HellaSwag have no score here
    assert re.search(r"No score this track can use on ARC-C, HELLASWAG\.", first)
    assert "below_ruler" in first and "The fitter" not in first
    other = _section(page, second)
    assert "Density <strong>0.777</strong>" in other and "rank <strong>3</strong>" in other
    for bench, n_hat in EFFECTIVE.items():
        row = re.search(rf"<tr><td>{bench.upper()}</td>.*?</tr>", other, re.S).group(0)
        cells = re.findall(r"<td>(.*?)</td>", row, re.S)
        assert cells[2] == fmt_params(n_hat) and cells[3] == fmt_number(n_hat / track_site["params"]), row
    assert '<svg class="ruler-svg"' in first  # each section not drawn at the top carries its charts
    assert "charts are at the top of the page" in other
    none = _between(page, '<p class="model-track-none">', "</p>")
    assert "Third &lt;b&gt;track&lt;/b&gt;" in none and "<b>track</b>" not in page


def test_flags_in_each_section_are_explained_in_words(track_site: dict[str, Any]) -> None:
    texts = json.loads((track_site["site"].parent / "fit" / "flags.json").read_text(encoding="utf-8"))
    first = _section(track_site["page"], track_site["default"])
    listed = re.findall(r'<li><span class="lb-flag" title="[^"]*">([^<]+)</span> ([^<]*)</li>', first)
    assert {f for f, _ in listed} >= {"too_few_benchmarks", "below_ruler"}
    assert all(html.unescape(text) == texts[f] for f, text in listed)


class _Text(html.parser.HTMLParser):
    """The visible text of a page (no attributes, no script or style)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _visible(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return "".join(parser.parts)


def test_each_protocol_is_described_once_under_the_scores_table(track_site: dict[str, Any]) -> None:
    page = track_site["page"]
    text = _visible(page)
    assert text.count(DESCRIPTION_A) == 1 and text.count(DESCRIPTION_A2) == 1
    assert text.count(SHARED_NOTE) == 1  # the note two scores share, once, numbered
    legend = _visible(_between(page, '<div class="model-legend"', "</div>"))
    assert f"proto-a (a): {DESCRIPTION_A}" in legend and f"proto-a (b): {DESCRIPTION_A2}" in legend
    assert "proto-c: no description in the records." in legend
    table = _between(page, 'class="densing-table model-scores"', "</table>")
    escaped = escape(DESCRIPTION_A)
    assert table.count(f'<code title="{escaped}">proto-a</code> (a)') == 2  # the slug, described on hover
    assert table.count('href="#score-note-1">note 1</a>') == 2 and 'id="score-note-1"' in page
    assert LONG_LOCATOR.strip() in html.unescape(table)  # a long locator stays on the page, as a line
    assert len(LONG_LOCATOR) > SHORT_LOCATOR
    folded = _between(table, '<details class="score-note-long">', "</details>")
    assert LONG_NOTE.strip() in html.unescape(folded) and len(LONG_NOTE) > LONG_NOTE_CHARS
    assert re.search(rf'title="[^"]*scores/{track_site["target"]}\.yaml:\d+"><code>line \d+</code>', table)


def test_record_text_in_the_legend_stays_escaped(track_site: dict[str, Any]) -> None:
    page = track_site["page"]
    for hostile in (DESCRIPTION_A, SHARED_NOTE):
        assert hostile not in page  # never as raw markup
        assert str(escape(hostile)) in page
    assert "<script>alert" not in page and "<img src=x" not in page
    hostile_page = (track_site["site"] / "models" / HOSTILE_ID / "index.html").read_text(encoding="utf-8")
    assert "<script>alert('note')</script>" not in hostile_page
    assert "&lt;script&gt;alert(&#39;note&#39;)&lt;/script&gt;" in hostile_page


def test_protocol_legend_and_shared_notes() -> None:
    scores = [
        {"protocol": "b", "protocol_notes": "B"},
        {"protocol": "a", "protocol_notes": None, "notes": "n1"},
        {"protocol": "a", "protocol_notes": "A1", "notes": "n1"},
        {"protocol": "a", "protocol_notes": " A2 ", "notes": "n2"},
        {"protocol": "b", "protocol_notes": "B", "notes": "n2"},
        {"protocol": "c", "protocol_notes": "", "notes": "n3"},
    ]
    assert protocol_legend(scores) == [
        {"protocol": "b", "key": "", "description": "B"},
        {"protocol": "a", "key": "a", "description": "A1"},
        {"protocol": "a", "key": "b", "description": "A2"},
        {"protocol": "c", "key": "", "description": ""},
    ]
    assert shared_notes(scores) == ["n1", "n2"]
    assert short_location("densing_data/records/scores/m-1b.yaml:18", "m-1b", 18) == "line 18"
    assert short_location("records/scores/other.yaml:3", "m-1b", 3) == "other.yaml:3"


@pytest.fixture(scope="module")
def track_site_url(track_site: dict[str, Any]) -> Iterator[str]:
    """The edited site served on 127.0.0.1."""
    with serve(track_site["site"]) as url:
        yield url


NO_SIDEWAYS = """
const d = document.documentElement;
const t = document.querySelector('table.model-scores').getBoundingClientRect();
const narrow = Array.from(document.querySelectorAll('.md-content td, .md-content th')).filter(c => {
  const width = c.getBoundingClientRect().width;
  return width > 0 && width < 70 && /[A-Za-z0-9_.-]{8,}/.test(c.innerText);
}).map(c => c.innerText.slice(0, 30));
return {page: d.scrollWidth, view: d.clientWidth, table: t.right, narrow: narrow,
        sections: document.querySelectorAll('section.model-track').length};
"""
"""The page's and the Scores table's right edges, table cells squeezed under 70 px around a long word,
and the number of track sections."""


@pytest.mark.browser
def test_model_pages_never_scroll_sideways(
    browser: Any, track_site: dict[str, Any], track_site_url: str
) -> None:
    sizes = {
        "desktop": {"width": 1400, "height": 1000, "deviceScaleFactor": 1, "mobile": False},
        "phone": PHONE,
    }
    wide = {}
    try:
        for name, metrics in sizes.items():
            browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
            for model in (track_site["target"], HOSTILE_ID):
                browser.get(f"{track_site_url}models/{model}/")
                found = browser.execute_script(NO_SIDEWAYS)
                assert model == HOSTILE_ID or found["sections"] == 2
                if found["page"] > found["view"] or found["table"] > found["view"] + 0.5 or found["narrow"]:
                    wide[f"{name} {model}"] = found
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert not wide, wide
