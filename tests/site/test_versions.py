"""Released data versions on the built site, read as files: every version has frozen pages with
checksums, its release.json and fit outputs as released, record links at its tag; the current pages
link every version from a switcher; published copies are kept byte for byte, never built again."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest

from densing_site.citing.links import REPO_URL
from densing_site.versions.checksums import check_folder
from densing_site.versions.publish import PublishError, keep_published
from densing_site.versions.switcher import leave_copy, resolve, version_links
from tests.site.local_server import serve
from tests.site.test_site_crawl import _pages, _resolve
from tests.site.versioned import FIRST, SECOND

# One worker builds the versioned site (tests/site/versioned.py) for every test that reads it.
pytestmark = pytest.mark.xdist_group("versioned")


def _manifest(versioned: dict[str, Any], version: str) -> dict[str, Any]:
    return json.loads((versioned["layout"].release_dir(version) / "manifest.json").read_text())


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("version", [FIRST, SECOND])
def test_each_version_has_frozen_pages_with_its_release_files(
    versioned: dict[str, Any], version: str
) -> None:
    copy = versioned["site"] / "v" / version
    assert check_folder(copy) == []
    for page in ("index.html", "densing-law/index.html", "rows.html"):
        assert (copy / page).is_file(), page
    listed = {f["path"]: f["sha256"] for f in _manifest(versioned, version)["files"]}
    assert _sha(copy / "release.json") == listed["release.json"]
    fit = {f"fit/{p.relative_to(copy / 'fit').as_posix()}": _sha(p) for p in (copy / "fit").rglob("*.*")}
    assert fit == {rel: digest for rel, digest in listed.items() if rel.startswith("fit/")}
    assert not (copy / "404.html").exists()  # the site's own 404 page serves every miss


def test_a_frozen_page_says_what_it_is_and_links_records_at_the_tag(versioned: dict[str, Any]) -> None:
    copy = versioned["site"] / "v" / FIRST
    models = sorted((copy / "models").iterdir())
    page = (models[0] / "index.html").read_text(encoding="utf-8")
    assert f'<p class="densing-frozen" id="frozen-version" data-version="{FIRST}">' in page
    assert "(cut 2026-11-23) and never changes" in page
    assert "the release&#39;s own fit outputs" in page  # escaped once
    records = re.findall(rf'href="{re.escape(REPO_URL)}/blob/([^/"]+)/densing_data/records/', page)
    assert records and set(records) == {f"data-v{FIRST}"}
    assert 'class="densing-versions"' not in page  # a frozen page lists no later version
    assert len(models) == len(json.loads((copy / "release.json").read_text())["records"]["model"])


def test_a_model_added_later_is_not_in_the_older_copy(versioned: dict[str, Any]) -> None:
    site = versioned["site"]
    for model in versioned["added"]:
        assert (site / "v" / SECOND / "models" / model / "index.html").is_file()
        assert not (site / "v" / FIRST / "models" / model).exists()


def test_the_current_pages_link_every_version_from_the_switcher(versioned: dict[str, Any]) -> None:
    site = versioned["site"]
    model = versioned["added"][0]
    page = (site / "models" / model / "index.html").read_text(encoding="utf-8")
    switcher = page[page.index('<details class="densing-versions"') : page.index("</details>")]
    assert "Data version <strong>2026.11.1</strong> and changes not yet released" in switcher
    assert (
        f'<a href="../../v/{SECOND}/models/{model}/" data-version="{SECOND}">{SECOND}</a> (cut 2026-11-25)'
        in (switcher)
    )
    assert (
        f'<a href="../../v/{FIRST}/" data-version="{FIRST}">{FIRST}</a> (cut 2026-11-23): its leaderboard'
        in (switcher)
    )
    home = (site / "index.html").read_text(encoding="utf-8")
    assert f'href="v/{FIRST}/" data-version="{FIRST}"' in home and f'href="v/{SECOND}/"' in home
    data = (site / "data" / "index.html").read_text(encoding="utf-8")
    assert f'<a href="../v/{FIRST}/" data-version="{FIRST}">Frozen pages of {FIRST}</a>' in data
    assert f'href="../v/{SECOND}/release.json"' in data and f'href="../v/{SECOND}/fit/trend.json"' in data
    assert "(cut 2026-11-25)" in data
    assert 'class="densing-versions"' not in (site / "ruler" / "index.html").read_text(encoding="utf-8")


def test_current_record_links_use_the_tag_until_a_file_changes(versioned: dict[str, Any]) -> None:
    site, changed, head = versioned["site"], versioned["changed"], versioned["head"]
    page = (site / "models" / changed / "index.html").read_text(encoding="utf-8")
    refs = dict(re.findall(rf'href="{re.escape(REPO_URL)}/blob/([^/"]+)/densing_data/records/(\w+)/', page))
    assert refs == {f"data-v{SECOND}": "models", head: "scores"}, refs  # its scores file changed since
    every = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    assert f"{REPO_URL}/blob/main/" not in every and f"{REPO_URL}/tree/main/" not in every


def test_every_link_of_the_versioned_site_resolves(versioned: dict[str, Any]) -> None:
    site = versioned["site"]
    pages = _pages(site)
    broken = []
    for page, parsed in pages.items():
        for link in parsed.links:
            path = re.split(r"[?#]", link, maxsplit=1)[0]  # a query (compare/?models=…) names no file
            if re.match(r"^[a-z]+:", path) or path.startswith("//"):
                continue
            target = _resolve(site, page, path)
            if not target.exists():
                broken.append(f"{page.relative_to(site)} -> {link}")
    assert not broken, broken[:20]
    frozen_home = pages[site / "v" / FIRST / "index.html"]
    assert "../../ruler/" in frozen_home.links  # a page the copy does not hold: the current one


def test_published_copies_are_kept_byte_for_byte_and_never_rebuilt(
    versioned: dict[str, Any], tmp_path: Path
) -> None:
    site = tmp_path / "site"
    (site / "v" / FIRST).mkdir(parents=True)
    (site / "v" / FIRST / "SHA256SUMS").write_text("")  # a copy this deploy built: replaced
    built: list[str] = []
    with serve(versioned["site"]) as live:
        kept = keep_published(site, live, [FIRST, SECOND], lambda v, f: built.append(v))
    assert built == [] and [k.how for k in kept] == ["published", "published"]
    for version in (FIRST, SECOND):
        assert (site / "v" / version / "SHA256SUMS").read_bytes() == (
            versioned["site"] / "v" / version / "SHA256SUMS"
        ).read_bytes()
        assert check_folder(site / "v" / version) == []


def test_a_published_copy_that_does_not_match_its_checksums_stops_the_deploy(
    versioned: dict[str, Any], tmp_path: Path
) -> None:
    live = tmp_path / "live"
    shutil.copytree(versioned["site"] / "v", live / "v")
    page = live / "v" / FIRST / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("frozen", "thawed"), encoding="utf-8")
    with (
        serve(live) as url,
        pytest.raises(PublishError, match=rf"published frozen pages of {FIRST}.*index.html"),
    ):
        keep_published(tmp_path / "site", url, [FIRST], lambda v, f: None)
    with pytest.raises(PublishError, match="cannot be read"):
        keep_published(tmp_path / "site", "http://127.0.0.1:9/", [FIRST], lambda v, f: None)


def test_links_leaving_a_frozen_copy_lead_to_the_current_site() -> None:
    kept = {"", "models/a/", "models/a/index.html", "densing-law/", "assets/x.css", "fit/trend.json"}
    html = (
        '<a href="../../ruler/#r">r</a> <a href="../b/">b</a> <a href="../a/">a</a> '
        '<a href="../../fit/trend.json">t</a> <a href="https://x.org/">x</a> <a href="#top">top</a>'
    )
    assert leave_copy(html, "models/a/", kept) == (
        '<a href="../../../../ruler/#r">r</a> <a href="../../../../models/b/">b</a> <a href="../a/">a</a> '
        '<a href="../../fit/trend.json">t</a> <a href="https://x.org/">x</a> <a href="#top">top</a>'
    )
    assert resolve("", "./") == "" and resolve("models/a/", "../../") == "" and resolve("", "#x") is None


def test_the_switcher_links_the_same_page_where_the_version_has_it() -> None:
    document = {
        "releases": [
            {"version": "2026.12.1", "date": "2026-12-05", "path": "v/2026.12.1/", "models": ["a", "b"]},
            {"version": "2026.12.0", "date": "2026-12-01", "path": "v/2026.12.0/", "models": ["a"]},
        ]
    }
    assert [link["href"] for link in version_links("models/b/", document)] == [
        "v/2026.12.1/models/b/",
        "v/2026.12.0/",
    ]
    assert [link["href"] for link in version_links("densing-law/", document)] == [
        "v/2026.12.1/densing-law/",
        "v/2026.12.0/densing-law/",
    ]
    assert [link["same"] for link in version_links("track/x/", document)] == [False, False]


def test_a_frozen_copy_builds_again_to_the_same_bytes_and_zips_reproducibly(
    versioned: dict[str, Any], tmp_path: Path
) -> None:
    from densing_site.versions.frozen import build_frozen, zip_frozen

    layout = versioned["layout"]
    again = tmp_path / "again"
    build_frozen(FIRST, again, repo_root=layout.root, releases_dir=layout.releases_dir)
    published = versioned["site"] / "v" / FIRST
    assert (again / "SHA256SUMS").read_bytes() == (published / "SHA256SUMS").read_bytes()
    first = zip_frozen(published, FIRST, tmp_path / "a.zip")
    second = zip_frozen(again, FIRST, tmp_path / "b.zip")
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        names = archive.namelist()
        assert f"densing-law-site-{FIRST}/SHA256SUMS" in names
        assert f"densing-law-site-{FIRST}/index.html" in names
        assert archive.getinfo(names[0]).date_time[:3] == (2026, 11, 23)  # the cut date


def test_the_version_commands_fail_cleanly(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from densing_cli.main import cli

    result = CliRunner().invoke(cli, ["build-version", "2099.01.0", "--out", str(tmp_path / "v")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "release 2099.01.0: releases/2099.01.0/manifest.json:0: cannot read the release manifest" in (
        result.output
    )
    (tmp_path / "site").mkdir()
    result = CliRunner().invoke(
        cli, ["keep-published", "ftp://example.org/", "--site", str(tmp_path / "site")]
    )
    assert result.exit_code == 1 and "is not an http(s) address of the published site" in result.output


def test_a_release_index_with_a_bad_cut_date_is_named_not_rendered(tmp_path: Path) -> None:
    from densing_data import load
    from densing_site.versions.catalog import CatalogError, released_versions
    from tests.site.synthetic import write_synthetic_records
    from tests.site.test_site_generate import write_manifest

    history = load(write_synthetic_records(tmp_path / "records", 8)).history
    releases = tmp_path / "releases"
    (releases / FIRST).mkdir(parents=True)
    write_manifest(releases / FIRST, {"model": {"ref-0p1b": [1]}})
    entry = {"version": FIRST, "date": "<b onmouseover=alert(1)>", "files": []}
    (releases / "index.json").write_text(json.dumps({"latest": FIRST, "releases": [entry]}))
    with pytest.raises(CatalogError, match=rf"index.json: release {FIRST} has date .*expected .* YYYY-MM-DD"):
        released_versions(releases, history)
    (releases / "index.json").write_text(
        json.dumps({"latest": FIRST, "releases": [entry | {"date": "2026-11-23"}]})
    )
    (only,) = released_versions(releases, history)
    assert only.models == frozenset({"ref-0p1b"}) and only.date == "2026-11-23" and only.path == f"v/{FIRST}/"
