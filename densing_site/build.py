"""``densing build``: records -> fitter outputs -> generated pages -> mkdocs-material -> static site.

Two builds of the same commit give the same bytes: the generator writes no timestamps and sorts
everything, and mkdocs gets ``SOURCE_DATE_EPOCH`` (the first day of the data version's month unless
already set) for the sitemap's dates and the gzip header.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import importlib.util
import logging
import os
import re
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from densing_data import Dataset, load
from densing_data.paths import RECORDS_DIR
from densing_site.citing.repo_links import build_commit, current_links
from densing_site.errors import SiteError
from densing_site.generate import GeneratedSite, generate_pages
from densing_site.inputs.fit_outputs import read_fit_outputs
from densing_site.paths import MKDOCS_YML, RELEASES_DIR, REPO_ROOT, SITE_SRC
from densing_site.sitedata import SiteData


class BuildError(SiteError):
    """The site cannot be built; the message says why and what to do."""


@dataclass(frozen=True)
class BuildResult:
    """What a build produced and how long each stage took."""

    out_dir: Path
    """The built site."""
    generated: GeneratedSite
    """The generated pages."""
    seconds: dict[str, float] = field(default_factory=dict)
    """Wall time per stage: load, fit, generate, mkdocs."""
    notes: tuple[str, ...] = ()
    """Things worth telling whoever built it (e.g. why record links could not use a release tag)."""


def run_fitter(ds: Dataset, out_dir: Path, ruler: str | None = None) -> Path:
    """Fit densities and the densing law for ``ds`` with :mod:`densing_fit`; write the outputs to
    ``out_dir``."""
    if importlib.util.find_spec("densing_fit") is None:
        raise BuildError(
            "the fitter (densing_fit) is not installed; pass --fit-dir with the outputs of "
            "`densing fit --out DIR`"
        )
    pipeline = importlib.import_module("densing_fit.pipeline")
    outputs = importlib.import_module("densing_fit.outputs")
    fit_error = importlib.import_module("densing_fit.errors").FitError
    try:
        result = pipeline.fit_all(ds, ruler_id=ruler)
    except fit_error as err:
        raise BuildError(f"the fit failed: {err}") from None
    outputs.write_outputs(result, out_dir)
    return out_dir


def record_path_prefix(records_dir: Path, repo_root: Path = REPO_ROOT) -> str:
    """What to put before a record's ``path`` (relative to the records dir's parent) so that it reads as
    a path in the repository ``repo_root``; empty for records outside it."""
    try:
        rel = records_dir.resolve().parent.relative_to(repo_root.resolve())
    except ValueError:
        return ""
    return "" if str(rel) == "." else f"{rel.as_posix()}/"


def default_epoch(version: str) -> int:
    """SOURCE_DATE_EPOCH for a data version ``YYYY.MM.N``: midnight UTC on the 1st of that month."""
    match = re.match(r"^(\d{4})\.(\d{2})\.", version)
    if not match:
        return 0
    day = dt.datetime(int(match.group(1)), int(match.group(2)), 1, tzinfo=dt.UTC)
    return int(day.timestamp())


@contextlib.contextmanager
def source_date_epoch(epoch: int) -> Iterator[None]:
    """Set ``SOURCE_DATE_EPOCH`` for the duration (kept if the caller already set one)."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]


class _ErrorLog(logging.Handler):
    """Collects mkdocs' error messages, so a failed build says why."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def check_output_dir(site_dir: Path) -> None:
    """Refuse to build into a non-empty directory that is not a previous build (mkdocs empties it)."""
    site_dir = Path(site_dir)
    if site_dir.is_file():
        raise BuildError(f"{site_dir} is a file; --out needs a directory")
    if site_dir.is_dir() and any(site_dir.iterdir()) and not (site_dir / "sitemap.xml").is_file():
        raise BuildError(
            f"{site_dir} is not empty and holds no previous site build (no sitemap.xml); the build "
            "would delete its contents, so choose an empty or new directory for --out"
        )


def mkdocs_build(
    docs_dir: Path,
    site_dir: Path,
    *,
    epoch: int,
    strict: bool = False,
    config_file: Path = MKDOCS_YML,
    overrides: dict[str, Any] | None = None,
) -> None:
    """Build the mkdocs-material site from ``docs_dir`` into ``site_dir``; ``overrides`` replace
    top-level settings of ``config_file`` (the frozen pages of a release set site_url, plugins and
    extra)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    check_output_dir(site_dir)
    errors = _ErrorLog()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(errors)
    try:
        with source_date_epoch(epoch):
            config = load_config(  # absolute paths: mkdocs reads relative ones from mkdocs.yml's folder
                str(config_file),
                docs_dir=str(Path(docs_dir).resolve()),
                site_dir=str(Path(site_dir).resolve()),
                strict=True if strict else None,  # None: mkdocs.yml decides (strict: true)
                **(overrides or {}),
            )
            config.plugins.on_startup(command="build", dirty=False)
            try:
                build(config)
            finally:
                config.plugins.on_shutdown()
    except MkDocsException as err:
        details = "; ".join(m for m in errors.messages if not m.startswith("Error building page"))
        raise BuildError(f"mkdocs build failed: {details or err}") from None
    finally:
        logger.removeHandler(errors)


def build_site(
    *,
    records_dir: Path | None = None,
    out_dir: Path = Path("site"),
    fit_dir: Path | None = None,
    docs_dir: Path = SITE_SRC,
    ruler: str | None = None,
    strict: bool = False,
    commit: str | None = None,
    releases_dir: Path = RELEASES_DIR,
    repo_root: Path = REPO_ROOT,
    frozen: bool = False,
) -> BuildResult:
    """Load the records, fit (unless ``fit_dir`` holds outputs already), generate the pages into
    ``docs_dir`` and build the site into ``out_dir``. Links to repository files are pinned to
    ``commit`` (default: git's HEAD of ``repo_root``, the repository of the records and releases) or
    to the latest release's tag (see :mod:`densing_site.citing.links`). With ``frozen``, when the data
    version is a release, its frozen copy is built too, into ``out_dir/v/<version>/``
    (:mod:`densing_site.versions.frozen`)."""
    seconds: dict[str, float] = {}
    notes: list[str] = []
    start = time.perf_counter()
    records_dir = Path(records_dir) if records_dir is not None else RECORDS_DIR
    ds = load(records_dir)
    commit = build_commit(repo_root, commit)
    links, note = current_links(repo_root, records_dir, releases_dir, commit)
    notes += [note] if note else []
    seconds["load"] = time.perf_counter() - start
    with tempfile.TemporaryDirectory(prefix="densing-fit-") as tmp:
        start = time.perf_counter()
        fit_path = Path(fit_dir) if fit_dir is not None else run_fitter(ds, Path(tmp), ruler)
        fit = read_fit_outputs(fit_path)
        seconds["fit"] = time.perf_counter() - start
        start = time.perf_counter()
        data = SiteData(
            ds=ds,
            fit=fit,
            repo_root=REPO_ROOT,
            record_path_prefix=record_path_prefix(records_dir, repo_root),
            releases_dir=releases_dir,
            fit_dir=fit_path,
            links=links,
        )
        generated = generate_pages(data, Path(docs_dir))
        seconds["generate"] = time.perf_counter() - start
        start = time.perf_counter()
        mkdocs_build(Path(docs_dir), Path(out_dir), epoch=default_epoch(ds.version), strict=strict)
        seconds["mkdocs"] = time.perf_counter() - start
        if frozen:
            start = time.perf_counter()
            notes += _build_current_frozen(data, records_dir, Path(out_dir), repo_root, commit)
            seconds["frozen copy"] = time.perf_counter() - start
    return BuildResult(out_dir=Path(out_dir), generated=generated, seconds=seconds, notes=tuple(notes))


def _build_current_frozen(
    data: SiteData, records_dir: Path, out_dir: Path, repo_root: Path, commit: str
) -> list[str]:
    """Build the frozen copy of the data version into ``out_dir/v/<version>/`` when it is a release
    (reusing the records and fit when they are exactly the release's); return notes."""
    from densing_site.versions.catalog import FROZEN_ROOT
    from densing_site.versions.frozen import Current, FrozenError, build_frozen

    version = data.ds.version
    if not (data.releases_dir / version / "manifest.json").is_file():
        return [f"no frozen copy: data version {version} is not a release"]
    prefix = record_path_prefix(records_dir, repo_root)
    if not prefix and records_dir.resolve().parent != repo_root.resolve():
        return [f"no frozen copy of {version}: the records are not in the repository {repo_root}"]
    records = f"{prefix}{records_dir.name}"
    current = Current(ds=data.ds, records_dir=records_dir, fit_dir=data.fit_dir)
    try:
        build_frozen(
            version,
            out_dir / FROZEN_ROOT / version,
            repo_root=repo_root,
            releases_dir=data.releases_dir,
            records=records,
            commit=commit,
            current=current,
        )
    except FrozenError as err:
        raise FrozenError(
            f"{err}\n(the site itself is built; to build it without the frozen pages of {version}: "
            "densing build --no-frozen)"
        ) from None
    return []
