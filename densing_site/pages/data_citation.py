"""The data & citation page: the current data as downloads, every frozen release, how to cite, license.

The current records are exported into the site (``data/current/<format>/``) so the numbers on the
site can always be downloaded; frozen releases are listed from ``releases/index.json`` (written by
``densing release``) with their cut date, each file's size and sha256, and a link to their frozen
pages (``v/<version>/``, which also serve the release's ``release.json`` and fit outputs). Their
exports are not kept in git (they are rebuilt from the tagged records and attached to the GitHub
release): a release file is copied into ``data/<version>/`` only where it is present, and
``SHA256SUMS`` always.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml

from densing_data.export import LICENSES, export_tables
from densing_site.errors import SiteError
from densing_site.render import PageWriter
from densing_site.sitedata import SiteData
from densing_site.text.counts import counts_sentence
from densing_site.versions.catalog import FROZEN_ROOT

PAGE = "data.md"
FORMATS = ("csv", "json", "parquet")
_VERSION = re.compile(r"^\d{4}\.\d{2}\.\d+$")
_REL_PATH = re.compile(r"^[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*$")
PAPER_BIBTEX = """@article{xiao2025densing,
  title   = {Densing law of {LLMs}},
  author  = {Xiao, Chaojun and Cai, Jie and Zhao, Weilin and Zeng, Guoyang and Lin, Biyuan and
             Zhou, Jie and Zheng, Zhi and Han, Xu and Liu, Zhiyuan and Sun, Maosong},
  journal = {Nature Machine Intelligence},
  volume  = {7},
  pages   = {1823--1833},
  year    = {2025},
  doi     = {10.1038/s42256-025-01137-0},
  note    = {Preprint arXiv:2412.04315}
}"""


class ReleaseIndexError(SiteError):
    """``releases/index.json`` or a release directory does not have the expected shape."""


def export_current(writer: PageWriter, data: SiteData) -> list[dict[str, Any]]:
    """Export the current records in every format into ``data/current/<format>/``."""
    downloads = []
    for fmt in FORMATS:
        with tempfile.TemporaryDirectory() as tmp:
            files = export_tables(data.ds, Path(tmp), fmt)  # type: ignore[arg-type]
            for path in sorted(files):
                rel = f"data/current/{fmt}/{path.name}"
                writer.write_bytes(rel, path.read_bytes())
                downloads.append(
                    {"format": fmt, "name": path.name, "path": rel, "bytes": path.stat().st_size}
                )
    return downloads


def copy_fit_outputs(writer: PageWriter, data: SiteData) -> list[dict[str, Any]]:
    """Publish the fitter's output files (densities, trend, rulers, ...) under ``data/current/fit/``."""
    out = []
    for path in sorted(p for p in data.fit_dir.iterdir() if p.is_file() and not p.name.startswith(".")):
        rel = f"data/current/fit/{path.name}"
        writer.write_bytes(rel, path.read_bytes())
        out.append({"name": path.name, "path": rel, "bytes": path.stat().st_size})
    return out


def read_release_index(releases_dir: Path) -> dict[str, Any]:
    """``releases/index.json`` (``{"latest": None, "releases": []}`` when there is none)."""
    index_file = releases_dir / "index.json"
    if not index_file.is_file():
        return {"latest": None, "releases": []}
    try:
        index = json.loads(index_file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise ReleaseIndexError(f"{index_file}:{err.lineno}: invalid JSON: {err.msg}") from None
    if not isinstance(index, dict) or not isinstance(index.get("releases"), list):
        raise ReleaseIndexError(f"{index_file}: expected {{'latest': ..., 'releases': [...]}}")
    return index


def copy_releases(writer: PageWriter, releases_dir: Path) -> list[dict[str, Any]]:
    """Copy every release listed in ``releases/index.json`` into ``data/<version>/``, newest first."""
    index_file = releases_dir / "index.json"
    index = read_release_index(releases_dir)
    out = []
    for entry in index.get("releases", []):
        version = str(entry.get("version", ""))
        if not _VERSION.match(version):
            raise ReleaseIndexError(f"{index_file}: release version {version!r} is not YYYY.MM.N")
        files = []
        for item in entry.get("files", []):
            rel = str(item.get("path", ""))
            source = releases_dir / version / rel
            if not _REL_PATH.match(rel) or ".." in rel.split("/"):
                raise ReleaseIndexError(f"{index_file}: release {version} lists {rel!r}, not a file there")
            served = None
            if source.is_file():
                served = f"data/{version}/{rel}"
                writer.write_bytes(served, source.read_bytes())
            elif rel == "release.json" or rel.startswith("fit/"):
                served = f"{FROZEN_ROOT}/{version}/{rel}"  # served with the version's frozen pages
            files.append(
                {
                    "path": served,
                    "name": rel,
                    "sha256": item.get("sha256", ""),
                    "bytes": item.get("bytes"),
                }
            )
        sums = releases_dir / version / "SHA256SUMS"
        if sums.is_file():
            writer.write_bytes(f"data/{version}/SHA256SUMS", sums.read_bytes())
        out.append(
            {
                "version": version,
                "date": entry.get("date", ""),
                "files": files,
                "sums": sums.is_file(),
                "latest": version == index.get("latest"),
                "frozen": f"{FROZEN_ROOT}/{version}/",
            }
        )
    return out


def citation(data: SiteData, writer: PageWriter) -> dict[str, Any]:
    """CITATION.cff (copied to the site root) and BibTeX entries for the data and the paper."""
    cff_path = data.repo_root / "CITATION.cff"
    cff_text = cff_path.read_text(encoding="utf-8") if cff_path.is_file() else ""
    bibtex = [PAPER_BIBTEX]
    if cff_text:
        writer.write_text("CITATION.cff", cff_text)
        cff = yaml.safe_load(cff_text) or {}
        bibtex.insert(0, _data_bibtex(cff, data.ds.version))
    writer.write_text("citation.bib", "\n\n".join(bibtex) + "\n")
    return {"cff": cff_text, "bibtex": "\n\n".join(bibtex)}


def _data_bibtex(cff: dict[str, Any], version: str) -> str:
    authors = " and ".join(
        a.get("name") or f"{a.get('family-names', '')}, {a.get('given-names', '')}".strip(", ")
        for a in cff.get("authors", [])
        if isinstance(a, dict)
    )
    year = version.split(".")[0]
    fields = {
        "title": cff.get("title", ""),
        "author": f"{{{authors}}}" if authors else "",
        "version": cff.get("version", version),
        "year": year,
        "url": cff.get("url", ""),
        "note": f"Data version {version}",
    }
    body = ",\n".join(f"  {k:<7} = {{{v}}}" for k, v in fields.items() if v)
    return f"@misc{{densing_leaderboard_{version.replace('.', '_')},\n{body}\n}}"


def write_data_page(writer: PageWriter, data: SiteData) -> None:
    """Write the downloads, release copies, citation files and the data & citation page."""
    license_path = data.repo_root / "LICENSE"
    writer.render_page(
        PAGE,
        "data.md.j2",
        title="Data & citation",
        context={
            "version": data.ds.version,
            "unreleased": data.unreleased,
            "current": export_current(writer, data),
            "fit_files": copy_fit_outputs(writer, data),
            "releases": copy_releases(writer, data.releases_dir),
            "release_note": read_release_index(data.releases_dir).get("note", ""),
            "citation": citation(data, writer),
            "licenses": LICENSES,
            "code_license": _code_license(license_path),
            "counts": counts_sentence(data),
        },
    )


def _code_license(path: Path) -> str:
    if not path.is_file():
        return "Apache-2.0"
    first = path.read_text(encoding="utf-8").strip().splitlines()
    return first[0].strip() if first else "Apache-2.0"
