"""The generator on its own (no mkdocs): project documents, releases, stale pages, nav."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from densing_data import load
from densing_site.citing.links import REPO_URL, RepoLinks
from densing_site.errors import SiteError
from densing_site.generate import generate_pages
from densing_site.inputs.fit_outputs import read_fit_outputs
from densing_site.pages.data_citation import ReleaseIndexError
from densing_site.sitedata import SiteData
from tests.site.fit_fixture import write_fixture_fit_outputs
from tests.site.synthetic import write_synthetic_records
from tests.site.tracks_fixture import SECOND_TRACK, write_track_outputs

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def _site_data(root: Path, n_models: int, repo: Path) -> SiteData:
    records = write_synthetic_records(root / "records", n_models)
    ds = load(records)
    fit_dir = write_fixture_fit_outputs(ds, root / "fit")
    return SiteData(
        ds=ds,
        fit=read_fit_outputs(fit_dir),
        repo_root=repo,
        record_path_prefix="",
        releases_dir=repo / "releases",
        fit_dir=fit_dir,
        links=RepoLinks(ref=COMMIT),
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository root with the project documents and one frozen release."""
    repo = tmp_path / "repo"
    (repo / "docs").mkdir(parents=True)
    (repo / "docs" / "method.md").write_text(
        "# Method\n\nSee [the ruler](ruler.md) and [x](https://a.org).\n"
    )
    (repo / "CHANGELOG.md").write_text(
        "# Changelog\n\n## 2026.11.0\n\nFrozen under [here](releases/README.md).\n"
    )
    (repo / "CONTRIBUTING.md").write_text("# Contributing\n\nRun `densing validate`.\n")
    (repo / "CITATION.cff").write_text(
        'cff-version: 1.2.0\ntitle: "Data"\nauthors:\n  - name: "Us"\n'
        'version: "2026.11.0"\nurl: "https://example.org/"\n'
    )
    release = repo / "releases" / "2026.11.0"
    (release / "csv").mkdir(parents=True)
    (release / "csv" / "models.csv").write_text("id\nx\n")
    (release / "SHA256SUMS").write_text("0" * 64 + "  csv/models.csv\n")
    index = {
        "latest": "2026.11.0",
        "releases": [
            {
                "version": "2026.11.0",
                "date": "2026-11-30",
                "files": [{"path": "csv/models.csv", "sha256": "0" * 64, "bytes": 5}],
            }
        ],
    }
    (repo / "releases" / "index.json").write_text(json.dumps(index))
    write_manifest(release, {})
    return repo


def write_manifest(release: Path, held: dict[str, dict[str, list[int]]]) -> None:
    """A release manifest of the shape ``densing release`` writes, holding the revisions ``held``
    (kind -> id -> revisions; the digests are placeholders: only which revisions are held matters)."""
    manifest = {
        "version": release.name,
        "date": "2026-11-30",
        "previous": None,
        "records_commit": None,
        "records_sha256": "0" * 64,
        "built_with": {},
        "counts": {},
        "formats": ["csv"],
        "sha256sums": "0" * 64,
        "files": [{"path": "csv/models.csv", "sha256": "0" * 64, "bytes": 5}],
        "record_sha256": {
            kind: {rid: {str(rev): "0" * 64 for rev in revs} for rid, revs in ids.items()}
            for kind, ids in held.items()
        },
    }
    (release / "manifest.json").write_text(json.dumps(manifest))


def test_project_documents_releases_and_nav(tmp_path: Path, repo: Path) -> None:
    docs = tmp_path / "docs"
    data = _site_data(tmp_path / "a", 12, repo)
    site = generate_pages(data, docs)
    nav = json.loads((docs / "nav.json").read_text())
    assert [next(iter(item)) for item in nav] == [
        "Leaderboard",
        "Compare",
        "Densing law",
        "What densifies?",
        "Tracks",
        "Ruler",
        "Benchmarks",
        "Compression",
        "Method",
        "Data & citation",
        "Contributing",
        "Changelog",
    ]
    # relative links in repository documents: a document the site shows -> its page; any other
    # file -> its GitHub URL at the build's commit (never a branch)
    assert (
        f"See [the ruler]({REPO_URL}/blob/{COMMIT}/docs/ruler.md) and [x](https://a.org)."
        in (docs / "method.md").read_text()
    )
    changelog = (docs / "changelog.md").read_text()
    assert f"Frozen under [here]({REPO_URL}/blob/{COMMIT}/releases/README.md)." in changelog
    assert "# Changelog\n\n## 2026" not in changelog
    assert (docs / "data" / "2026.11.0" / "csv" / "models.csv").read_text() == "id\nx\n"
    assert (docs / "data" / "2026.11.0" / "SHA256SUMS").is_file()
    data_page = (docs / "data.md").read_text()
    assert "2026.11.0" in data_page and "data/2026.11.0/csv/models.csv" in data_page
    bib = (docs / "citation.bib").read_text()
    # the data's BibTeX key names the data version of the records the site was built from
    assert f"@misc{{densing_leaderboard_{data.ds.version.replace('.', '_')}" in bib
    assert "Xiao, Chaojun" in bib
    assert (docs / "assets" / "vendor" / "vega" / "vega.min.js").is_file()
    assert len(site.models) == 12 and all((docs / "models" / f"{m}.md").is_file() for m in site.models)


def test_regenerating_removes_stale_pages_only(tmp_path: Path, repo: Path) -> None:
    docs = tmp_path / "docs"
    first = generate_pages(_site_data(tmp_path / "a", 16, repo), docs)
    keep = docs / "overrides" / "main.html"  # a hand-written part: never cleaned
    keep.parent.mkdir()
    keep.write_text("hand-written")
    second = generate_pages(_site_data(tmp_path / "b", 10, repo), docs)
    gone = set(first.models) - set(second.models)
    assert gone and not any((docs / "models" / f"{m}.md").exists() for m in gone)
    assert keep.read_text() == "hand-written"
    listed = set((docs / ".generated").read_text().split())
    on_disk = {
        p.relative_to(docs).as_posix()
        for p in docs.rglob("*")
        if p.is_file()
        and p.relative_to(docs).parts[0] not in ("assets", "overrides")
        and p.name != ".generated"
    }
    assert on_disk == listed


def test_release_index_cannot_reach_outside(tmp_path: Path, repo: Path) -> None:
    index = json.loads((repo / "releases" / "index.json").read_text())
    index["releases"][0]["files"] = [{"path": "../../CITATION.cff", "sha256": "", "bytes": 1}]
    (repo / "releases" / "index.json").write_text(json.dumps(index))
    with pytest.raises(ReleaseIndexError, match=r"lists '\.\./\.\./CITATION\.cff'"):
        generate_pages(_site_data(tmp_path / "a", 10, repo), tmp_path / "docs")
    index["releases"][0]["version"] = "../x"
    (repo / "releases" / "index.json").write_text(json.dumps(index))
    with pytest.raises(ReleaseIndexError, match=r"is not YYYY\.MM\.N"):
        generate_pages(_site_data(tmp_path / "b", 10, repo), tmp_path / "docs")


def test_a_ruler_that_could_not_be_fitted_says_why(tmp_path: Path, repo: Path) -> None:
    data = _site_data(tmp_path, 12, repo)
    rulers = json.loads((data.fit_dir / "rulers.json").read_text())
    rulers["waiting-ruler"] = {
        "ruler": "waiting-ruler",
        "kind": "two-step",
        "name": "Waiting <b>ruler</b>",
        "benchmarks": {"mmlu": {"error": "two-step ruler 'waiting-ruler' has no reference records on mmlu"}},
    }
    (data.fit_dir / "rulers.json").write_text(json.dumps(rulers))
    data = dataclasses.replace(data, fit=read_fit_outputs(data.fit_dir))  # the edited fit outputs
    out = tmp_path / "src"
    generate_pages(data, out)
    page = (out / "ruler.md").read_text()
    assert "not fitted — two-step ruler &#39;waiting-ruler&#39; has no reference records on mmlu." in page
    assert "Waiting &lt;b&gt;ruler&lt;/b&gt;" in page
    assert "ruler-waiting-ruler--mmlu" not in page


def test_the_tracks_page_shows_each_bridge_and_its_fit(tmp_path: Path, repo: Path) -> None:
    data = _site_data(tmp_path, 12, repo)
    write_track_outputs(data.fit_dir)
    ruler_file = data.fit_dir / "tracks" / SECOND_TRACK / "ruler.json"
    ruler = json.loads(ruler_file.read_text())
    ruler["bridges"] = [
        {
            "benchmark": "hellaswag-rc",
            "source": "obsscaling",
            "source_benchmark": "hellaswag",
            "why": "the same <b>cloze</b> task",
            "slope": 1.00435,
            "intercept": -0.0684,
            "residual_sd": 0.9009,
            "n_pairs": 19,
            "n_converted": 112,
            "error": None,
        },
        {"benchmark": "mmlu-rc", "source": "obsscaling", "source_benchmark": "mmlu", "error": "4 models"},
    ]
    ruler_file.write_text(json.dumps(ruler))
    data = dataclasses.replace(data, fit=read_fit_outputs(data.fit_dir))  # the edited fit outputs
    assert len(data.fit.track(SECOND_TRACK).bridges) == 2
    out = tmp_path / "src"
    generate_pages(data, out)
    page = (out / "agreement.md").read_text()
    assert "Bridges between protocols" in page
    assert "<code>hellaswag</code> under <code>obsscaling</code>" in page
    assert "track = 1.004 × source − 0.07" in page and 'data-label="Scatter (points)">0.90</td>' in page
    assert 'both ways">19</td><td data-label="Scores converted">112</td>' in page
    assert "the same &lt;b&gt;cloze&lt;/b&gt; task" in page
    assert "not fitted: 4 models" in page
    ruler_file.write_text(json.dumps(ruler | {"bridges": "nope"}))
    with pytest.raises(SiteError, match=r"ruler\.json: 'bridges' must be a list"):
        read_fit_outputs(data.fit_dir)


def test_records_beyond_the_newest_release_are_labelled_until_released(tmp_path: Path, repo: Path) -> None:
    docs = tmp_path / "docs"
    data = _site_data(tmp_path / "a", 12, repo)
    generate_pages(data, docs)
    data_page = (docs / "data.md").read_text()
    n_revisions = sum(len(frame) for frame in data.ds.history.values())
    assert "## Not yet released" in data_page
    assert (
        f"<strong>{n_revisions} record revisions</strong>" in data_page
        and "release <strong>2026.11.0</strong>" in data_page
    )
    assert 'href="data/#not-yet-released"' in (docs / "index.md").read_text()

    held = {
        kind: {
            str(rid): [int(r) for r in frame.loc[frame["id"] == rid, "revision"]]
            for rid in frame["id"].unique()
        }
        for kind, frame in data.ds.history.items()
    }
    write_manifest(repo / "releases" / "2026.11.0", held)
    generate_pages(dataclasses.replace(data), docs)  # a new build reads the releases again
    assert "Not yet released" not in (docs / "data.md").read_text()
    assert "not-yet-released" not in (docs / "index.md").read_text()


def test_an_unreadable_release_manifest_stops_the_build(tmp_path: Path, repo: Path) -> None:
    (repo / "releases" / "2026.11.0" / "manifest.json").write_text("[]")
    with pytest.raises(SiteError, match="cannot tell which records are unreleased"):
        generate_pages(_site_data(tmp_path / "a", 8, repo), tmp_path / "docs")


def test_the_chatgpt_rule_leaves_the_legend_when_the_chart_starts_late(tmp_path: Path, repo: Path) -> None:
    data = _site_data(tmp_path, 12, repo)
    out = tmp_path / "src"
    generate_pages(data, out)
    assert "ChatGPT's release</li>" in (out / "index.md").read_text()
    trend_file = data.fit_dir / "trend.json"
    trend = json.loads(trend_file.read_text())
    trend["cut"]["date"] = "1990-01-01"  # before every model: no rule is drawn
    trend_file.write_text(json.dumps(trend))
    data = dataclasses.replace(data, fit=read_fit_outputs(data.fit_dir))
    generate_pages(data, out)
    page = (out / "index.md").read_text()
    assert 'class="cut"' not in page and "ChatGPT's release</li>" not in page


def test_a_density_that_is_only_a_bound_is_marked_so(tmp_path: Path, repo: Path) -> None:
    data = _site_data(tmp_path, 12, repo)
    frame = pd.read_csv(data.fit_dir / "densities.csv")
    low, high = frame.index[0], frame.index[1]
    frame = frame.astype({"flags": object, "citable": object, "rank": object})
    frame.loc[low, ["flags", "citable", "rank"]] = ["above_ruler", False, None]
    frame.loc[high, ["flags", "citable", "rank"]] = ["below_ruler", False, None]
    frame.to_csv(data.fit_dir / "densities.csv", index=False)
    data = dataclasses.replace(data, fit=read_fit_outputs(data.fit_dir))
    out = tmp_path / "src"
    generate_pages(data, out)
    rows = (out / "rows.html").read_text() + (out / "index.md").read_text()
    expected = ((frame.loc[low, "model"], "≥ ", "at least "), (frame.loc[high, "model"], "≤ ", "at most "))
    for model, mark, words in expected:
        row = re.search(rf'<tr data-id="{model}".*?</tr>', rows, re.S)
        assert row is not None
        assert re.search(rf'<td data-s="[^"]*">{mark}', row.group(0)), row.group(0)
        page = (out / "models" / f"{model}.md").read_text()
        assert f"Density <strong>{words}" in page
    assert "A ≥ before it: only a lower bound" in (out / "index.md").read_text()
