"""Write every generated page of the site into a docs dir: the generator's entry points.

:func:`generate_pages` cleans what it wrote last time (listed in the docs dir's ``.generated``
manifest), copies the hand-written assets when the docs dir is not ``site_src/`` itself, writes the
pages, the chart fallbacks and the downloads, the released versions for the version switcher
(``versions.json``, read by ``site_src/hooks/versions.py``), then the nav (``nav.json``, read by
``site_src/hooks/generated_nav.py``) and the new manifest. :func:`generate_frozen_pages` writes the
pages a release's frozen copy keeps: its leaderboards, densing-law page and model pages.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from densing_site.compare import page as compare
from densing_site.forecast.files import write_forecast_files
from densing_site.forecast.model import track_forecast
from densing_site.pages import calculator, changelog, contributing, data_citation, docs, leaderboard, models
from densing_site.pages.law import densing_law, what_densifies
from densing_site.pages.reference import agreement, benchmarks, compression, rulers
from densing_site.paths import HAND_WRITTEN, NAV_FILE, SITE_SRC
from densing_site.render import MANIFEST, PageWriter
from densing_site.sitedata import SiteData
from densing_site.versions.catalog import released_versions

VERSIONS_FILE = "versions.json"
"""Written into the docs dir: every released version, read by ``site_src/hooks/versions.py``."""


@dataclass(frozen=True)
class GeneratedSite:
    """What the generator wrote."""

    docs_dir: Path
    """Where the pages are (the mkdocs docs_dir)."""
    files: tuple[str, ...]
    """Every generated path, relative to ``docs_dir``, sorted."""
    models: tuple[str, ...]
    """Model ids that got a page."""


def clean_generated(docs_dir: Path) -> None:
    """Remove the files listed in ``docs_dir``'s manifest (the previous generation) and empty folders."""
    manifest = docs_dir / MANIFEST
    if not manifest.is_file():
        return
    for rel in manifest.read_text(encoding="utf-8").splitlines():
        if not rel or rel.startswith(("/", "..")) or rel.split("/")[0] in HAND_WRITTEN:
            continue
        (docs_dir / rel).unlink(missing_ok=True)
    for folder in sorted((p for p in docs_dir.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
        if folder.relative_to(docs_dir).parts[0] not in HAND_WRITTEN and not any(folder.iterdir()):
            folder.rmdir()
    manifest.unlink()


def _copy_assets(docs_dir: Path) -> None:
    if docs_dir.resolve() == SITE_SRC.resolve():
        return
    target = docs_dir / "assets"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(SITE_SRC / "assets", target)


def generate_pages(data: SiteData, docs_dir: Path = SITE_SRC) -> GeneratedSite:
    """Write all pages for ``data`` into ``docs_dir`` and return what was written."""
    docs_dir = Path(docs_dir)
    docs_dir.mkdir(parents=True, exist_ok=True)
    clean_generated(docs_dir)
    _copy_assets(docs_dir)
    writer = PageWriter(docs_dir)
    leaderboard.write_leaderboard(writer, data)
    densing_law.write_densing_law(writer, data)
    what_densifies.write_what_densifies(writer, data)
    agreement.write_agreement(writer, data)
    rulers.write_rulers(writer, data)
    benchmarks.write_benchmarks(writer, data)
    compression.write_compression(writer, data)
    written_docs = docs.write_docs(writer, data)
    data_citation.write_data_page(writer, data)
    contributing.write_contributing(writer, data)
    changelog.write_changelog(writer, data)
    has_calculator = calculator.write_calculator(writer, data)
    model_ids = models.write_model_pages(writer, data)
    compare.write_compare_page(writer, data)
    tracks = list(data.fit.tracks)
    write_forecast_files(writer, tracks, {t.id: track_forecast(t) for t in tracks}, data.ds.version)
    nav = [
        {"Leaderboard": leaderboard.PAGE},
        {"Compare": compare.PAGE},
        {"Densing law": densing_law.PAGE},
        {"What densifies?": what_densifies.PAGE},
        {"Tracks": agreement.PAGE},
        {"Ruler": rulers.PAGE},
        {"Benchmarks": benchmarks.PAGE},
        {"Compression": compression.PAGE},
        *([{"Calculator": calculator.PAGE}] if has_calculator else []),
        *({title: page} for title, page in written_docs),
        {"Data & citation": data_citation.PAGE},
        {"Contributing": contributing.PAGE},
        {"Changelog": changelog.PAGE},
    ]
    writer.write_text(NAV_FILE, json.dumps(nav, indent=1) + "\n")
    write_versions(writer, data)
    files = tuple(sorted(set(writer.written)))
    (docs_dir / MANIFEST).write_text("\n".join(files) + "\n", encoding="utf-8")
    return GeneratedSite(docs_dir=docs_dir, files=files, models=tuple(model_ids))


def write_versions(writer: PageWriter, data: SiteData) -> None:
    """``versions.json``: the data version of these pages and every release, newest first, with its
    cut date and the models its frozen copy has a page for."""
    releases = released_versions(data.releases_dir, data.ds.history)
    document = {
        "current": {"version": data.ds.version, "unreleased": data.unreleased is not None},
        "releases": [
            {"version": r.version, "date": r.date, "path": r.path, "models": sorted(r.models)}
            for r in releases
        ],
    }
    writer.write_text(VERSIONS_FILE, json.dumps(document, indent=1) + "\n")


def generate_frozen_pages(data: SiteData, docs_dir: Path, downloads: dict[str, bytes]) -> GeneratedSite:
    """Write the frozen copy's pages of ``data`` (one released version) into the new folder
    ``docs_dir``: every track's leaderboard, the densing-law page and the model pages, the assets, the
    ``downloads`` (relative path -> bytes: release.json and the fit outputs the pages show) and a nav
    of the two pages with a tab."""
    docs_dir = Path(docs_dir)
    docs_dir.mkdir(parents=True, exist_ok=True)
    _copy_assets(docs_dir)
    writer = PageWriter(docs_dir)
    leaderboard.write_leaderboard(writer, data)
    densing_law.write_densing_law(writer, data)
    model_ids = models.write_model_pages(writer, data)
    for rel, content in sorted(downloads.items()):
        writer.write_bytes(rel, content)
    nav = [{"Leaderboard": leaderboard.PAGE}, {"Densing law": densing_law.PAGE}]
    writer.write_text(NAV_FILE, json.dumps(nav, indent=1) + "\n")
    files = tuple(sorted(set(writer.written)))
    return GeneratedSite(docs_dir=docs_dir, files=files, models=tuple(model_ids))
