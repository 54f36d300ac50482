"""Build the frozen copy of a released data version: ``v/<version>/`` of the site.

A frozen copy holds the version's leaderboards, densing-law page and model pages, built from the
records the release was made from (read from git), as a self-contained mkdocs site (its own assets,
so a later change of the site's stylesheets or scripts cannot change it) whose links to other pages
lead to the current site. Record links point at the release's tag. Its numbers are the release's own
fit outputs when the release lists them (from 2026.12.4 on; computed by the code of the release's
commit and checked against its manifest); for the releases before, the fit of the release's records
by the fitter of the commit that builds the copy, which the banner names. ``release.json`` (checked
against the manifest) and the fit outputs the pages show are served next to them, and
``SHA256SUMS`` lists every file. Once published, a copy is never built again: the deploy keeps the
published one (:mod:`densing_site.versions.publish`).
"""

from __future__ import annotations

import datetime as dt
import json
import posixpath
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from densing_data import Dataset
from densing_data.contrib.gittree import materialise, write_tree
from densing_data.contrib.layout import RepoLayout
from densing_data.contrib.release.build import (
    FIT_DIR,
    RebuildError,
    export_meta,
    has_fit,
    render_export_meta,
)
from densing_data.contrib.release.files import EXPORT_META, read_manifest, records_sha256, sha256_bytes
from densing_data.contrib.release.records import release_records
from densing_data.loader import dataset_from_records
from densing_data.report import Report
from densing_data.validate import read_records_dir
from densing_fit.release_fit import PACKAGES, ReleaseFitError, fit_release
from densing_site.build import BuildError, default_epoch, mkdocs_build, run_fitter
from densing_site.citing.links import RepoLinks, release_tag
from densing_site.citing.repo_links import build_commit
from densing_site.generate import generate_frozen_pages
from densing_site.inputs.fit_outputs import read_fit_outputs
from densing_site.paths import RELEASES_DIR, REPO_ROOT
from densing_site.sitedata import SiteData
from densing_site.versions.catalog import FROZEN_ROOT
from densing_site.versions.checksums import SUMS, file_sha256, write_sums

FROZEN_KEY = "densing_frozen"
"""``extra`` setting of a frozen build: what its banner says (``site_src/overrides/main.html``)."""
DROPPED = ("404.html",)
"""Files of the mkdocs build a frozen copy leaves out: the site's own 404 page serves every miss."""


class FrozenError(BuildError):
    """A frozen copy cannot be built; the message names the release and what is wrong."""


@dataclass(frozen=True)
class Current:
    """The records and fit outputs of the site being built, reused for the frozen copy of the current
    data version when they are exactly its release's (so ``make site`` fits once)."""

    ds: Dataset
    records_dir: Path
    fit_dir: Path


@dataclass(frozen=True)
class FrozenBuild:
    """What :func:`build_frozen` made."""

    version: str
    out_dir: Path
    files: int
    """Files in the copy (listed in its SHA256SUMS)."""
    numbers: str
    """Where its numbers come from, as the banner says it."""
    seconds: dict[str, float] = field(default_factory=dict)


def build_frozen(
    version: str,
    out_dir: Path,
    *,
    repo_root: Path = REPO_ROOT,
    releases_dir: Path = RELEASES_DIR,
    records: str = "densing_data/records",
    commit: str | None = None,
    current: Current | None = None,
) -> FrozenBuild:
    """Build the frozen copy of release ``version`` into ``out_dir`` (new, empty, or a previous
    frozen copy, which is replaced) from the records at ``records`` (repository path) of its commit;
    ``commit`` names the commit building it (default: git's HEAD). See the module docstring."""
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    layout = RepoLayout(root=repo_root, records=records, releases=_relative(releases_dir, repo_root))
    manifest = _manifest(layout, version)
    with tempfile.TemporaryDirectory(prefix=f"densing-frozen-{version}-") as tmp:
        work = Path(tmp)
        ds, record_set, records_dir, reused = _records(layout, version, manifest, work, current)
        fit_dir, numbers = _fit(layout, version, manifest, ds, records_dir, work, current if reused else None)
        numbers = numbers or _fitted_here(repo_root, commit)
        seconds["records and fit"] = time.perf_counter() - start
        start = time.perf_counter()
        data = SiteData(
            ds=ds,
            fit=read_fit_outputs(fit_dir),
            repo_root=repo_root,
            record_path_prefix=_prefix(records),
            releases_dir=releases_dir,
            fit_dir=fit_dir,
            links=RepoLinks(ref=release_tag(version)),
        )
        generate_frozen_pages(data, work / "docs", _downloads(version, manifest, record_set, fit_dir))
        seconds["generate"] = time.perf_counter() - start
        start = time.perf_counter()
        banner = {"version": version, "date": manifest["date"], "numbers": numbers}
        site = work / "site"
        mkdocs_build(work / "docs", site, epoch=default_epoch(version), overrides=_overrides(version, banner))
        for name in DROPPED:
            (site / name).unlink(missing_ok=True)
        write_sums(site)
        _replace(site, Path(out_dir))
        seconds["mkdocs"] = time.perf_counter() - start
    count = len(_files(Path(out_dir))) - 1
    return FrozenBuild(version=version, out_dir=Path(out_dir), files=count, numbers=numbers, seconds=seconds)


def _downloads(version: str, manifest: dict[str, Any], records: Any, fit_dir: Path) -> dict[str, bytes]:
    """``release.json`` (rebuilt from the records, checked against the manifest) and the fit outputs."""
    meta = export_meta(version, manifest["date"], manifest["previous"], manifest["records_sha256"], records)
    release_json = render_export_meta(meta)
    _check_listed(manifest, EXPORT_META, release_json, version)
    fit = {f"{FIT_DIR}/{rel}": (fit_dir / rel).read_bytes() for rel in _files(fit_dir)}
    return {EXPORT_META: release_json, **fit}


def _relative(path: Path, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        raise FrozenError(f"{path} is not inside the repository {root}") from None


def _prefix(records: str) -> str:
    parent = posixpath.dirname(records.rstrip("/"))
    return f"{parent}/" if parent else ""


def _manifest(layout: RepoLayout, version: str) -> dict[str, Any]:
    report = Report()
    manifest = read_manifest(layout, version, report)
    if manifest is None:
        raise FrozenError(f"release {version}: {report.render().strip()}")
    return manifest


def _records(
    layout: RepoLayout, version: str, manifest: dict[str, Any], work: Path, current: Current | None
) -> tuple[Dataset, Any, Path, bool]:
    """The release's records: the site's own when they are exactly the release's, else read from git."""
    if (
        current is not None
        and current.ds.version == version
        and records_sha256(current.records_dir) == manifest["records_sha256"]
    ):
        record_set, report = read_records_dir(current.records_dir, use_cache=True)
        return current.ds, record_set, current.records_dir, True
    try:
        released = release_records(layout, version)
    except RebuildError as err:
        raise FrozenError(str(err)) from None
    write_tree(released.files, work / "src")
    records_dir = work / "src" / layout.records
    record_set, report = read_records_dir(records_dir, use_cache=True)
    if not report.ok:
        raise FrozenError(f"the records of release {version} do not validate:\n{report.render()}")
    return dataset_from_records(record_set, version), record_set, records_dir, False


def _fit(
    layout: RepoLayout,
    version: str,
    manifest: dict[str, Any],
    ds: Dataset,
    records_dir: Path,
    work: Path,
    current: Current | None,
) -> tuple[Path, str]:
    """The fit outputs the pages show and, when they are the release's own, the banner's words for
    them (empty: fitted here)."""
    if not has_fit(manifest):
        if current is not None:
            return current.fit_dir, ""
        return run_fitter(ds, work / "fit"), ""
    own = "Its numbers are the release's own fit outputs (listed with their checksums in the release)."
    if current is not None and _matches_fit(manifest, current.fit_dir):
        return current.fit_dir, own
    try:
        commit = release_records(layout, version).commit
        materialise(layout.root, commit, [*PACKAGES, layout.releases], work / "code")
        fit_release(work / "code", records_dir, version, work / "fit")
    except (RebuildError, ReleaseFitError) as err:
        raise FrozenError(f"release {version}: {err}") from None
    if not _matches_fit(manifest, work / "fit"):
        raise FrozenError(
            f"release {version}: its fit outputs computed again here differ from its manifest (other "
            f"numpy/scipy/pandas versions than {manifest['built_with']}?); run `densing verify-release "
            f"{version}` for the files"
        )
    return work / "fit", own


def _matches_fit(manifest: dict[str, Any], fit_dir: Path) -> bool:
    want = {f["path"]: f["sha256"] for f in manifest["files"] if f["path"].startswith(f"{FIT_DIR}/")}
    return want == {f"{FIT_DIR}/{rel}": file_sha256(fit_dir / rel) for rel in _files(fit_dir)}


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def _fitted_here(repo_root: Path, commit: str | None) -> str:
    return (
        "Its numbers were fitted from the release's records by the fitter of commit "
        f"{build_commit(repo_root, commit)[:12]} when this copy was built; the release itself predates "
        "released fit outputs."
    )


def _check_listed(manifest: dict[str, Any], rel: str, content: bytes, version: str) -> None:
    listed = next((f["sha256"] for f in manifest["files"] if f["path"] == rel), None)
    if listed is not None and listed != sha256_bytes(content):
        raise FrozenError(f"release {version}: {rel} rebuilt from its records differs from its manifest")


def _overrides(version: str, banner: dict[str, str]) -> dict[str, Any]:
    from mkdocs.config import load_config

    from densing_site.paths import MKDOCS_YML

    site_url = load_config(str(MKDOCS_YML)).site_url or ""
    return {
        "site_url": f"{site_url}{FROZEN_ROOT}/{version}/" if site_url else None,
        "plugins": [],
        "extra": {FROZEN_KEY: banner},
    }


def _replace(built: Path, out_dir: Path) -> None:
    """Move ``built`` to ``out_dir``; an existing ``out_dir`` must be empty or a frozen copy."""
    if out_dir.exists():
        if any(out_dir.iterdir()) and not (out_dir / SUMS).is_file():
            raise FrozenError(
                f"{out_dir} is not empty and holds no frozen copy ({SUMS}); choose an empty or new folder"
            )
        shutil.rmtree(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(built), str(out_dir))


def zip_frozen(folder: Path, version: str, target: Path) -> Path:
    """Pack the frozen copy in ``folder`` into the reproducible zip ``target`` (members sorted below
    ``densing-law-site-<version>/``, dated the release's cut date, fixed permissions)."""
    import zipfile

    sums = folder / SUMS
    if not sums.is_file():
        raise FrozenError(f"{folder} holds no frozen copy ({SUMS} missing)")
    meta = json.loads((folder / EXPORT_META).read_text(encoding="utf-8"))
    stamp = dt.date.fromisoformat(meta["date"]).timetuple()[:6]
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for rel in _files(folder):
            info = zipfile.ZipInfo(f"densing-law-site-{version}/{rel}", stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, (folder / rel).read_bytes(), compresslevel=9)
    return target
