"""``densing release VERSION``: freeze the current records as a citable data version.

Steps, all computed before anything is written: check VERSION (CalVer named for the month of the cut
date, above the latest release, no release directory of that name yet); validate the records and
check that every released record is unchanged; diff them against the records of every earlier
release; build the exports and (given a :class:`ReleaseFit`) the fit outputs in a temporary folder
and hash them; write ``releases/<VERSION>/manifest.json`` (record commit rule, records hash,
export hashes, the hash of every record revision this release publishes first) and ``SHA256SUMS``
(built in a hidden directory, then renamed into place); add the release to ``releases/index.json``;
write the CHANGELOG entry; set the version in ``DATA_VERSION``, ``CITATION.cff`` and
``.zenodo.json``. The exports are not kept in git: the release workflow rebuilds them from the tagged
records (``densing verify-release VERSION --assets dist``) and attaches them to the GitHub release.
Same records, version and date give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from densing_data.atomic import write_text_atomically
from densing_data.contrib.layout import RepoLayout, VersionError, parse_version
from densing_data.contrib.pr.diff import RecordDiff, diff_records
from densing_data.contrib.release import changelog
from densing_data.contrib.release.build import (
    BUILD_LIBRARIES,
    FIT_LIBRARIES,
    RebuildError,
    ReleaseFit,
    add_fit,
    build_export,
    built_with,
    counts,
    export_meta,
)
from densing_data.contrib.release.citation import CitationError, update_cff, update_zenodo
from densing_data.contrib.release.files import (
    FORMATS,
    MANIFEST,
    SUMS,
    file_entries,
    index_entry,
    read_index,
    records_sha256,
    released_hashes,
    render_manifest,
    render_sums,
    sha256_bytes,
)
from densing_data.contrib.release.record_hashes import hash_records, released_revisions
from densing_data.contrib.release.verify import verify_frozen
from densing_data.report import Report
from densing_data.validate import RecordSet, read_records_dir


class ReleaseError(Exception):
    """A release that cannot be made; the message says why, ``report`` lists invalid records."""

    def __init__(self, message: str, report: Report | None = None) -> None:
        super().__init__(message)
        self.report = report or Report()


@dataclass(frozen=True)
class ReleaseResult:
    """What ``densing release`` did."""

    version: str
    """The new data version."""
    date: dt.date
    """Release date written into release.json, the CHANGELOG and CITATION.cff."""
    previous: str | None
    """The release it was diffed against (None for the first release)."""
    directory: Path
    """``releases/<version>/``."""
    diff: RecordDiff
    """Records added and superseded since ``previous``."""
    written: list[Path] = field(default_factory=list)
    """Every file written or updated outside the release directory."""
    warnings: list[str] = field(default_factory=list)
    """Things worth a look that did not stop the release."""


def next_version(latest: str | None, date: dt.date) -> str:
    """The version to suggest: ``YYYY.MM.0`` for a new month, else the latest one's counter + 1."""
    if latest is not None:
        year, month, n = parse_version(latest)
        if (year, month) == (date.year, date.month):
            return f"{year}.{month:02d}.{n + 1}"
    return f"{date.year}.{date.month:02d}.0"


def cut_release(
    layout: RepoLayout, version: str, date: dt.date, fit: ReleaseFit | None = None
) -> ReleaseResult:
    """Make release ``version`` of the records in ``layout``, with its fit outputs when ``fit`` says how
    to compute them; raise :class:`ReleaseError` if it cannot."""
    try:
        index = read_index(layout)
    except ValueError as err:
        raise ReleaseError(f"{layout.releases}/index.json: {err}") from None
    latest = index.get("latest")
    warnings = _check_version(layout, version, latest, date)
    records, report = read_records_dir(layout.records_dir, shown_base=layout.root, use_cache=True)
    if not report.ok:
        raise ReleaseError("the records are invalid; fix them before releasing", report)
    verify_frozen(layout, report, records)
    if not report.ok:
        raise ReleaseError("released records changed or disappeared; restore them first", report)
    diff = _diff_since(layout, latest, records)
    texts = _side_files(layout, version, date, latest, diff, records, warnings)
    directory, manifest = _freeze(layout, version, date, latest, records, fit)
    # Keys other than latest and releases (the note on version names) are kept as they are.
    index = {**index, "latest": version, "releases": [index_entry(version, manifest), *index["releases"]]}
    texts[layout.index_file] = json.dumps(index, indent=2, ensure_ascii=False) + "\n"
    for path, text in texts.items():
        write_text_atomically(path, text)
    return ReleaseResult(
        version=version,
        date=date,
        previous=latest,
        directory=directory,
        diff=diff,
        written=sorted(texts),
        warnings=warnings,
    )


def _check_version(layout: RepoLayout, version: str, latest: str | None, date: dt.date) -> list[str]:
    try:
        wanted = parse_version(version)
        current = layout.data_version()
        floor = parse_version(current)
    except (VersionError, OSError) as err:
        raise ReleaseError(str(err)) from None
    hint = f"; the next version would be {next_version(latest, date)}"
    if layout.release_dir(version).exists():
        raise ReleaseError(
            f"{layout.releases}/{version}/ already exists: a published version never changes{hint}"
        )
    if latest is not None and wanted <= parse_version(latest):
        raise ReleaseError(f"version {version} is not above the latest release {latest}{hint}")
    if wanted < floor:
        raise ReleaseError(f"version {version} is below the current data version {current}{hint}")
    if wanted[:2] != (date.year, date.month):
        raise ReleaseError(
            f"version {version} does not name the month it is cut in ({date.isoformat()} is in "
            f"{date:%Y.%m}): a version is named for the year and month of its cut date{hint}"
        )
    return []


def _diff_since(layout: RepoLayout, latest: str | None, records: RecordSet) -> RecordDiff:
    if latest is None:
        return diff_records({}, records)
    report = Report()
    released = released_revisions(released_hashes(layout, report))
    if not report.ok:
        raise ReleaseError("cannot read the earlier releases", report)
    old: dict[str, dict[str, int]] = {}
    for kind, record_id, revision in released:
        ids = old.setdefault(kind, {})
        ids[record_id] = max(revision, ids.get(record_id, 0))
    diff = diff_records(old, records)
    lost = [f"{kind} {record_id!r}" for kind, ids in diff.missing.items() for record_id in ids]
    if lost:
        raise ReleaseError(
            f"records of release {latest} are missing (records are never deleted; retract them with a "
            f"correction instead): {', '.join(lost)}"
        )
    if diff.empty:
        raise ReleaseError(f"no record was added or superseded since release {latest}: nothing to release")
    return diff


def _side_files(
    layout: RepoLayout,
    version: str,
    date: dt.date,
    latest: str | None,
    diff: RecordDiff,
    records: RecordSet,
    warnings: list[str],
) -> dict[Path, str]:
    """New texts of DATA_VERSION, CHANGELOG.md, CITATION.cff and .zenodo.json."""
    texts = {layout.path(layout.version_file): version + "\n"}
    log_path = layout.path(layout.changelog)
    old_log = log_path.read_text(encoding="utf-8") if log_path.exists() else None
    if old_log is not None and version in changelog.sections(old_log):
        raise ReleaseError(f"{layout.changelog} already has a section for {version}")
    entry = changelog.render_entry(version, date, latest, diff, counts(records))
    texts[log_path] = changelog.insert_entry(old_log, entry)
    for name, update in ((layout.citation, update_cff), (layout.zenodo, update_zenodo)):
        path = layout.path(name)
        if not path.exists():
            warnings.append(f"{name} not found: not updated")
            continue
        try:
            texts[path] = update(path.read_text(encoding="utf-8"), version, date)
        except (CitationError, ValueError) as err:
            raise ReleaseError(f"{name}: {err}") from None
    return texts


def _freeze(
    layout: RepoLayout,
    version: str,
    date: dt.date,
    latest: str | None,
    records: RecordSet,
    fit: ReleaseFit | None,
) -> tuple[Path, dict]:
    """Build the exports (and fit outputs) in a temporary folder to hash them; write the manifest and
    ``SHA256SUMS`` under a hidden name, then rename the release directory into place."""
    layout.releases_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{version}.", dir=layout.releases_dir))
    try:
        digest = records_sha256(layout.records_dir)
        with tempfile.TemporaryDirectory(prefix="densing-export-") as tmp:
            build_export(records, export_meta(version, date.isoformat(), latest, digest, records), Path(tmp))
            if fit is not None:
                try:
                    add_fit(fit, layout.root, layout.records_dir, version, Path(tmp))
                except RebuildError as err:
                    raise ReleaseError(str(err)) from None
            files = file_entries(Path(tmp))
        sums = render_sums(files)
        released = released_revisions(released_hashes(layout, Report()))
        manifest = {
            "version": version,
            "date": date.isoformat(),
            "previous": latest,
            "records_commit": None,
            "records_sha256": digest,
            "built_with": built_with(BUILD_LIBRARIES + (FIT_LIBRARIES if fit else ())),
            "counts": counts(records),
            "formats": list(FORMATS),
            "sha256sums": sha256_bytes(sums.encode("utf-8")),
            "files": files,
            "record_sha256": hash_records(records, skip=lambda k, i, r: (k, i, r) in released),
        }
        (staging / MANIFEST).write_text(render_manifest(manifest), encoding="utf-8")
        (staging / SUMS).write_text(sums, encoding="utf-8")
        staging.chmod(0o755)
        for path in staging.iterdir():
            path.chmod(0o644)
        target = layout.release_dir(version)
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target, json.loads(render_manifest(manifest))
