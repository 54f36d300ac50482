"""``densing verify-release``: a release is intact, reproducible, and its records are still frozen.

For a release, :func:`verify_release` checks that its manifest is well formed, that ``SHA256SUMS``
and its ``index.json`` entry agree with the manifest, that the exports rebuilt from its records
commit hash to the manifest, and, given a folder of downloaded exports (the release's layout, the
GitHub release zips, or those zips unpacked), that every file found there does too.
:func:`verify_frozen` checks each release's manifest against the commit that released it
(:mod:`densing_data.contrib.integrity.anchor`) and the current records against the committed record hashes.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from densing_data.contrib.gittree import GitError, read_tree
from densing_data.contrib.integrity.anchor import anchored_releases
from densing_data.contrib.integrity.locate import Located, RecordLocator, git_locator
from densing_data.contrib.integrity.standing import released_standing
from densing_data.contrib.layout import RepoLayout
from densing_data.contrib.release.build import (
    FIT_DIR,
    RebuildError,
    ReleaseFit,
    built_with,
    candidate_commits,
    rebuild,
)
from densing_data.contrib.release.files import (
    EXPORT_META,
    FORMATS,
    SUMS,
    file_entries,
    index_entry,
    read_index,
    read_manifest,
    render_sums,
    sha256_bytes,
)
from densing_data.contrib.release.record_hashes import (
    FrozenCheck,
    Locator,
    Released,
    check_frozen,
    released_revisions,
)
from densing_data.record_files import ParsedRecord, read_record_file
from densing_data.report import Report
from densing_data.validate import RecordSet, read_records_dir

ASSET_STEM = "densing-law-data"


@dataclass
class Verified:
    """What :func:`verify_release` checked, besides the problems in ``report``."""

    report: Report = field(default_factory=Report)
    rebuilt_from: str | None = None
    """Where the rebuilt exports' records came from (None when not rebuilt)."""
    downloaded: int = 0
    """Downloaded files found and compared."""
    fit_files: int = 0
    """Fit outputs the release lists (computed again when rebuilt)."""


def verify_release(
    layout: RepoLayout,
    version: str,
    *,
    rebuild_exports: bool = True,
    exports: Path | None = None,
    out: Path | None = None,
    records_dir: Path | None = None,
    fit: ReleaseFit | None = None,
) -> Verified:
    """Check release ``version`` (see the module docstring); with ``out``, keep the rebuilt export there.
    A release that lists fit outputs needs ``fit`` to rebuild them."""
    result = Verified()
    report = result.report
    shown = f"{layout.releases}/{version}"
    manifest = read_manifest(layout, version, report)
    if manifest is None:
        return result
    sums = layout.release_dir(version) / SUMS
    if not sums.is_file() or sums.read_text(encoding="utf-8") != render_sums(manifest["files"]):
        report.add(f"{shown}/{SUMS}", 0, "does not list the manifest's files and hashes", kind="release")
    elif sha256_bytes(sums.read_bytes()) != manifest["sha256sums"]:
        report.add(f"{shown}/manifest.json", 0, f"sha256sums is not the hash of {SUMS}", kind="release")
    _check_index(layout, version, manifest, report)
    if rebuild_exports or out is not None:
        _check_rebuild(layout, version, manifest, result, out, records_dir, fit)
    if exports is not None:
        _check_downloads(version, manifest, exports, result)
    return result


def _check_index(layout: RepoLayout, version: str, manifest: dict[str, Any], report: Report) -> None:
    shown = f"{layout.releases}/index.json"
    try:
        index = read_index(layout)
    except ValueError as err:
        report.add(shown, 0, str(err), kind="release")
        return
    entries = [e for e in index["releases"] if isinstance(e, dict) and e.get("version") == version]
    if len(entries) != 1:
        report.add(
            shown, 0, f"expected one entry for release {version}, found {len(entries)}", kind="release"
        )
    elif entries[0] != index_entry(version, manifest):
        report.add(shown, 0, f"the entry of release {version} does not match its manifest", kind="release")


def _check_rebuild(
    layout: RepoLayout,
    version: str,
    manifest: dict[str, Any],
    result: Verified,
    out: Path | None,
    records_dir: Path | None,
    fit: ReleaseFit | None,
) -> None:
    shown = f"{layout.releases}/{version}/manifest.json"
    with tempfile.TemporaryDirectory(prefix="densing-verify-") as tmp:
        target = out if out is not None else Path(tmp)
        try:
            result.rebuilt_from = rebuild(layout, version, manifest, target, records_dir, fit)
        except (RebuildError, GitError) as err:
            result.report.add(shown, 0, f"cannot rebuild release {version}: {err}", kind="release")
            return
        got = {item["path"]: item for item in file_entries(target)}
    want = {item["path"]: item for item in manifest["files"]}
    result.fit_files = sum(rel.startswith(f"{FIT_DIR}/") for rel in want)
    # The bytes are a function of the records *and* of the library versions the release names
    # (Parquet embeds pandas' and pyarrow's; the fit outputs depend on numpy's and scipy's too). With
    # other versions installed a byte difference is expected, not evidence of a change: it is a
    # warning then, unless the rebuilt files are to be published (``out``).
    here = built_with(tuple(manifest["built_with"]))
    same_tools = manifest["built_with"] == here
    note = ""
    if not same_tools:
        note = (
            f" (the release was built with {_libs(manifest['built_with'])}; here: {_libs(here)}"
            "; install those versions to compare bytes)"
        )
    add = result.report.add if same_tools or out is not None else result.report.warn
    for rel in sorted(set(want) | set(got)):
        if rel not in got:
            result.report.add(shown, 0, f"{rel} is listed but the rebuild does not make it", kind="release")
        elif rel not in want:
            result.report.add(shown, 0, f"the rebuild makes {rel}, which the manifest lacks", kind="release")
        elif got[rel]["sha256"] != want[rel]["sha256"]:
            how = " by the fitter of that commit" if rel.startswith(f"{FIT_DIR}/") else ""
            add(
                shown,
                0,
                f"{rel} rebuilt from {result.rebuilt_from}{how} has sha256 {got[rel]['sha256'][:12]}…, "
                f"the manifest says {want[rel]['sha256'][:12]}…{note}",
                kind="release",
            )


def _libs(versions: dict[str, str]) -> str:
    return ", ".join(f"{name} {version}" for name, version in sorted(versions.items()))


def _check_downloads(version: str, manifest: dict[str, Any], folder: Path, result: Verified) -> None:
    if not folder.is_dir():
        result.report.add(str(folder), 0, "is not a folder of downloaded exports", kind="release")
        return
    for item in manifest["files"]:
        for shown, data in _downloaded(folder, version, item["path"]):
            result.downloaded += 1
            if sha256_bytes(data) != item["sha256"]:
                result.report.add(
                    shown,
                    0,
                    f"differs from {item['path']} of release {version} (sha256 {sha256_bytes(data)[:12]}…, "
                    f"the release's is {item['sha256'][:12]}…)",
                    kind="release",
                )
    if result.downloaded == 0:
        result.report.add(
            str(folder),
            0,
            f"no file of release {version} found (expected csv/…, json/…, parquet/…, fit/…, release.json, "
            f"or the {ASSET_STEM}-{version}-<format>.zip assets)",
            kind="release",
        )


def _downloaded(folder: Path, version: str, rel: str) -> Iterator[tuple[str, bytes]]:
    """Every copy of export file ``rel`` in ``folder``: as laid out in a release, unpacked from the
    assets, or inside an asset zip (one per top folder: csv, json, parquet, fit)."""
    top, _, inner = rel.partition("/")
    tops = [top] if inner else [*FORMATS, FIT_DIR]
    stems = [f"{ASSET_STEM}-{version}-{name}" for name in tops]
    candidates = [folder / rel] + [folder / stem / (inner or rel) for stem in stems]
    if rel == EXPORT_META:
        candidates.append(folder / f"{ASSET_STEM}-{version}-{EXPORT_META}")
    for path in candidates:
        if path.is_file():
            yield str(path), path.read_bytes()
    for stem in stems:
        archive = folder / f"{stem}.zip"
        if archive.is_file():
            try:
                with zipfile.ZipFile(archive) as zipped:
                    member = f"{stem}/{inner or rel}"
                    if member in zipped.namelist():
                        yield f"{archive}:{member}", zipped.read(member)
            except zipfile.BadZipFile:
                yield str(archive), b""


def verify_frozen(
    layout: RepoLayout,
    report: Report,
    records: RecordSet | None = None,
    *,
    releases: list[tuple[str, Any]] | None = None,
    locate: Locator | None = None,
) -> FrozenCheck:
    """Check the records (default: the layout's) against every release's record hashes.

    ``releases`` (``(version, record_sha256)`` oldest first) defaults to the *committed* manifests
    (:mod:`densing_data.contrib.integrity.anchor`, which also reports working-tree manifests that differ from
    them). A missing released revision is reported at its file and line in ``locate``'s tree
    (default: the release's records commit)."""
    if releases is None:
        releases = anchored_releases(layout, report).hashes
    if not releases:
        return FrozenCheck(checked=0)
    if records is None:
        records, problems = read_records_dir(
            layout.records_dir,
            shown_base=layout.root,
            use_cache=True,
            seniority=released_standing(layout),
        )
        if not problems.ok:
            report.add(
                layout.records,
                0,
                "the records do not validate (`densing validate` says where); a released record in a "
                "file that does not parse is reported missing",
                kind="release",
            )
    cache: dict[tuple[str, str], bytes | None] = {}

    def read_old(item: Released, parsed: ParsedRecord | None) -> Any:
        return _released_record(layout, item, parsed, cache)

    return check_frozen(
        records,
        released_revisions(releases),
        report,
        read_old,
        locate or _release_locator(layout),
        lambda path: (layout.root / path).is_file(),
        layout.records,
    )


def _release_locator(layout: RepoLayout) -> Locator:
    """Finds a released revision in the records commit of the release that first published it."""
    locators: dict[str, RecordLocator | None] = {}

    def locate(item: Released) -> Located | None:
        if item.version not in locators:
            locators[item.version] = None
            manifest = read_manifest(layout, item.version, Report())
            try:
                commits = candidate_commits(layout, item.version, manifest) if manifest else []
            except (RebuildError, GitError):
                commits = []
            if commits:
                locators[item.version] = git_locator(layout.root, commits[0], layout.records)
        found = locators[item.version]
        return found(item) if found is not None else None

    return locate


def _released_record(
    layout: RepoLayout,
    item: Released,
    parsed: ParsedRecord | None,
    cache: dict[tuple[str, str], bytes | None],
) -> Any:
    """The released revision ``item``, read from its release's records commit (None if unavailable)."""
    if parsed is None:
        return None
    quiet = Report()
    manifest = read_manifest(layout, item.version, quiet)
    if manifest is None:
        return None
    data = None
    try:
        for commit in candidate_commits(layout, item.version, manifest):
            key = (commit, parsed.path)
            if key not in cache:
                cache[key] = read_tree(layout.root, commit, [parsed.path]).get(parsed.path)
            data = cache[key]
            if data is not None:
                break
    except (RebuildError, GitError):
        return None
    if data is None:
        return None
    with tempfile.TemporaryDirectory(prefix="densing-released-") as tmp:
        path = Path(tmp) / parsed.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        records_root = Path(tmp) / layout.records
        for old in read_record_file(path, records_root, quiet):
            if old.record.id == item.record_id and old.record.revision == item.revision:
                return old.record
    return None
