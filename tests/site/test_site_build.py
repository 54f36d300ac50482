"""The built site, read as files: pages, links, escaping, self-containment and determinism."""

from __future__ import annotations

import filecmp
import html
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from densing_cli.main import cli
from densing_data import load
from densing_site.build import BuildError, mkdocs_build
from densing_site.paths import HAND_WRITTEN, SITE_SRC
from tests.site.synthetic import HOSTILE_ID, HOSTILE_NAME

PAGES = [
    "index.html",
    "densing-law/index.html",
    "ruler/index.html",
    "benchmarks/index.html",
    "compression/index.html",
    "data/index.html",
    "contributing/index.html",
    "changelog/index.html",
]
LIVE_MARKUP = re.compile(
    r"<(img|script|svg|iframe|b|i)\b[^>]*(onerror|onload|onmouseover|javascript:|alert)|"
    r"href\s*=\s*[\"']?\s*javascript:|<script>alert|'onmouseover='",
    re.IGNORECASE,
)


def _text_files(site: Path) -> list[Path]:
    """Every file a browser would interpret (pages, search index, sitemap, chart fallbacks)."""
    return [
        p
        for p in sorted(site.rglob("*"))
        if p.suffix in {".html", ".json", ".svg", ".xml", ".js"} and p.relative_to(site).parts[0] != "data"
    ]


def test_every_page_and_model_page_is_built(built_site: Path, site_inputs: dict[str, Path]) -> None:
    for page in PAGES:
        assert (built_site / page).is_file(), page
    models = load(site_inputs["records"]).models["id"]
    for model in models:
        assert (built_site / "models" / model / "index.html").is_file(), model
    index = (built_site / "index.html").read_text(encoding="utf-8")
    rest = (built_site / "rows.html").read_text(encoding="utf-8")  # loaded on "show all"
    listed = re.findall(r'<tr data-id="([^"]+)"', index) + re.findall(r'<tr data-id="([^"]+)"', rest)
    assert sorted(listed) == sorted(models)
    assert 'data-c="1"' not in rest and index.count('data-c="1"') == index.count("<tr data-id=")


def test_hostile_text_is_never_live_markup(built_site: Path) -> None:
    offenders = []
    for path in _text_files(built_site):
        if path.parts[-2:] == ("vega", "vega.min.js") or "assets" in path.relative_to(built_site).parts:
            continue
        for match in LIVE_MARKUP.finditer(path.read_text(encoding="utf-8")):
            offenders.append(f"{path.relative_to(built_site)}: {match.group(0)}")
    assert not offenders, "\n".join(offenders[:20])
    page = (built_site / "models" / HOSTILE_ID / "index.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    # the name is the page title, as text: its markup escaped, never live
    assert "<title>&lt;img src=x onerror=alert(1)&gt;" in page


def test_hostile_name_is_escaped_exactly_once_in_title_and_search(built_site: Path) -> None:
    """Issue 19: the title and the search index escaped ``<`` twice (``&amp;lt;``), so readers saw
    entities instead of the name."""
    page = (built_site / "models" / HOSTILE_ID / "index.html").read_text(encoding="utf-8")
    titles = re.findall(r"<title>(.*?)</title>", page, re.DOTALL)
    assert titles and html.unescape(titles[0]) == f"{HOSTILE_NAME} - Densing Law leaderboard", titles
    assert "&amp;" not in titles[0]
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    entries = [d for d in index["docs"] if d["location"].startswith(f"models/{HOSTILE_ID}/")]
    assert entries, "the hostile model's page is not in the search index"
    # the theme renders search titles as HTML: one escape shows the name as written
    assert entries[0]["title"] == "&lt;img src=x onerror=alert(1)&gt;"
    assert html.unescape(entries[0]["title"]) == HOSTILE_NAME


def test_hostile_text_in_chart_specs_is_escaped_json(built_site: Path) -> None:
    page = (built_site / "densing-law" / "index.html").read_text(encoding="utf-8")
    specs = re.findall(r'<script type="application/json" class="densing-chart__spec">(.*?)</script>', page)
    assert specs
    assert all("<" not in spec for spec in specs)
    names = {
        row.get("name")
        for spec in specs
        for rows in json.loads(specs[0])["datasets"].values()
        for row in rows
    }
    assert HOSTILE_NAME in names


def test_only_local_resources_are_loaded(built_site: Path) -> None:
    loads = re.compile(  # a canonical <link> names the page's own address; it loads nothing
        r"<(script|img|iframe|link(?![^>]*rel=\"canonical\"))\b[^>]*\s(src|href)=\"(https?:)?//",
        re.IGNORECASE,
    )
    for page in sorted(built_site.rglob("*.html")):
        assert not loads.search(page.read_text(encoding="utf-8")), page
    for lib in ("vega/vega.min.js", "vega-lite/vega-lite.min.js", "vega-embed/vega-embed.min.js"):
        assert (built_site / "assets" / "vendor" / lib).is_file()
        assert (built_site / "assets" / "vendor" / lib).with_name("LICENSE").is_file()
    assert "fonts.googleapis" not in (built_site / "index.html").read_text(encoding="utf-8")


def test_build_refuses_a_page_loading_a_cdn_script(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(SITE_SRC / "assets", docs / "assets")  # the 404 page inlines the stylesheets
    (docs / "index.md").write_text('# X\n\n<script src="https://cdn.example/vega.js"></script>\n')
    with pytest.raises(BuildError, match="loads a resource from outside the site"):
        mkdocs_build(docs, tmp_path / "site", epoch=0)


def test_charts_have_static_svg_fallbacks(built_site: Path) -> None:
    for page in ("densing-law/index.html", "ruler/index.html"):
        text = (built_site / page).read_text(encoding="utf-8")
        fallbacks = re.findall(r'<noscript><img class="densing-chart__fallback" src="([^"]+)"', text)
        assert fallbacks, page
        for src in fallbacks:
            svg = (built_site / page).parent / src
            assert svg.read_text(encoding="utf-8").startswith("<svg"), src


def test_model_page_shows_history_and_compression(built_site: Path, site_inputs: dict[str, Path]) -> None:
    ds = load(site_inputs["records"])
    corrected = ds.history["model"].query("revision == 2")["id"].iloc[0]
    page = (built_site / "models" / corrected / "index.html").read_text(encoding="utf-8")
    assert "superseded by revision 2" in page and "Release date taken from the model card" in page
    assert "retracted" in page and "Wrong model; withdrawn." in page
    assert f"records/models/{corrected}.yaml:" in page
    child = ds.models.dropna(subset=["derived_from_model"]).iloc[0]
    child_page = (built_site / "models" / child["id"] / "index.html").read_text(encoding="utf-8")
    parent_page = (built_site / "models" / child["derived_from_model"] / "index.html").read_text(
        encoding="utf-8"
    )
    assert f'href="../../models/{child["derived_from_model"]}/"' in child_page
    assert f'href="../../models/{child["id"]}/"' in parent_page


def test_data_page_offers_every_format(built_site: Path) -> None:
    for fmt in ("csv", "json", "parquet"):
        assert (built_site / "data" / "current" / fmt / "datapackage.json").is_file()
        assert (built_site / "data" / "current" / fmt / f"models.{fmt}").is_file()
    assert (built_site / "data" / "current" / "fit" / "densities.csv").is_file()
    assert (built_site / "citation.bib").read_text(encoding="utf-8").count("@") >= 1


def test_two_builds_are_byte_identical(
    built_site: Path, site_inputs: dict[str, Path], tmp_path: Path
) -> None:
    again = tmp_path / "site"
    result = CliRunner().invoke(
        cli,
        [
            "build",
            "--records",
            str(site_inputs["records"]),
            "--fit-dir",
            str(site_inputs["fit"]),
            "--src",
            str(tmp_path / "src"),
            "--out",
            str(again),
            "--releases",
            str(site_inputs["root"] / "releases"),
        ],
    )
    assert result.exit_code == 0, result.output
    comparison = filecmp.dircmp(built_site, again)
    differing = _differences(comparison)
    assert not differing, differing[:20]


def _differences(comparison: filecmp.dircmp) -> list[str]:
    out = [*comparison.left_only, *comparison.right_only]
    _, mismatch, errors = filecmp.cmpfiles(
        comparison.left, comparison.right, comparison.common_files, shallow=False
    )
    out += [f"{comparison.left}/{name}" for name in mismatch + errors]
    for sub in comparison.subdirs.values():
        out += _differences(sub)
    return out


def test_cli_reports_bad_inputs_cleanly(tmp_path: Path, site_inputs: dict[str, Path]) -> None:
    empty = tmp_path / "empty-fit"
    empty.mkdir()
    result = CliRunner().invoke(
        cli,
        [
            "build",
            "--records",
            str(site_inputs["records"]),
            "--fit-dir",
            str(empty),
            "--src",
            str(tmp_path / "src"),
            "--out",
            str(tmp_path / "s"),
        ],
    )
    assert result.exit_code == 1, result.output
    assert "densities.csv: missing" in result.output and "Traceback" not in result.output
    bad = tmp_path / "records" / "models"
    bad.mkdir(parents=True)
    (bad / "x.yaml").write_text("schema_version: 1\nrecords:\n- id: x\n")
    result = CliRunner().invoke(
        cli, ["build", "--records", str(tmp_path / "records"), "--out", str(tmp_path / "s")]
    )
    assert result.exit_code == 1, result.output
    assert "x.yaml:3" in result.output and "Traceback" not in result.output


def test_site_src_gitignore_keeps_only_hand_written_parts() -> None:
    rules = (SITE_SRC / ".gitignore").read_text(encoding="utf-8").splitlines()
    kept = {line[2:].strip("/") for line in rules if line.startswith("!/")}
    assert kept == set(HAND_WRITTEN)
    assert "/*" in rules
    for part in HAND_WRITTEN:
        assert (SITE_SRC / part).exists(), part


def test_build_never_empties_a_directory_that_is_not_a_site(tmp_path: Path) -> None:
    precious = tmp_path / "home"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work")
    docs = tmp_path / "docs"
    shutil.copytree(SITE_SRC / "assets", docs / "assets")  # the 404 page inlines the stylesheets
    (docs / "index.md").write_text("# X\n")
    with pytest.raises(BuildError, match="not empty and holds no previous site build"):
        mkdocs_build(docs, precious, epoch=0)
    assert (precious / "thesis.tex").read_text() == "years of work"
    mkdocs_build(docs, tmp_path / "site", epoch=0)
    mkdocs_build(docs, tmp_path / "site", epoch=0)  # a previous build may be replaced


def test_the_chart_legend_names_the_chatgpt_rule_only_when_it_is_drawn(built_site: Path) -> None:
    pages = [built_site / "index.html", *sorted((built_site / "track").glob("*/index.html"))]
    drawn = {}
    for page in pages:
        html = page.read_text(encoding="utf-8")
        wide = html[html.index('class="lb-chart__wide"') : html.index('class="lb-chart__compact"')]
        legend = html[html.index('class="chart-legend"') :]
        legend = legend[: legend.index("</ul>")]
        drawn[page.parent.name] = 'class="cut"' in wide
        assert drawn[page.parent.name] == ("ChatGPT" in legend), page
    assert len(drawn) >= 2, drawn
