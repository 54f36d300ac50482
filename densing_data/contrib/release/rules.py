"""The release rules ``check-pr`` applies: the data version is bumped only by a release, and
released files never change.

A pull request *is a release* when ``DATA_VERSION`` changes. It must then carry exactly what
``densing release`` writes: a new ``releases/<version>/`` whose ``manifest.json`` was made from the
head's records (its ``records_sha256`` equals the hash of the records directory, the exports rebuilt
from them hash to its file list, its ``record_sha256`` holds every record revision no earlier
release holds) and follows the base's latest release; ``releases/index.json`` naming it latest; a
CHANGELOG section for it; ``CITATION.cff`` and ``.zenodo.json`` naming it. Without a version bump,
no release directory or CHANGELOG section may appear. In every pull request, the files of existing
releases, their ``index.json`` entries and their CHANGELOG sections stay byte for byte the same; the
one exception is an export file leaving git (lean releases) while the release's manifest keeps its
hash.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from densing_data.contrib.layout import RepoLayout, VersionError, parse_version
from densing_data.contrib.release import changelog
from densing_data.contrib.release.build import FIT_DIR, ReleaseFit, has_fit
from densing_data.contrib.release.citation import cff_version
from densing_data.contrib.release.files import (
    MANIFEST,
    read_index,
    read_manifest,
    records_sha256,
    released_hashes,
)
from densing_data.contrib.release.record_hashes import hash_records, released_revisions
from densing_data.contrib.release.verify import verify_release
from densing_data.report import Report
from densing_data.validate import read_records_dir

_RELEASE_TOP_FILES = {"index.json", "README.md"}


def check_release_rules(
    base: RepoLayout, head: RepoLayout, report: Report, fit: ReleaseFit | None = None
) -> None:
    """Add every broken release rule between ``base`` and ``head`` to ``report``; a release's fit
    outputs are checked when ``fit`` says how to compute them."""
    _check_frozen_files(base, head, report)
    _check_index_kept(base, head, report)
    _check_changelog_kept(base, head, report)
    base_version = _version(base)
    head_version = _version(head)
    new_dirs = sorted(_release_dirs(head) - _release_dirs(base))
    new_sections = sorted(set(_sections(head)) - set(_sections(base)))
    release = _release_of_pr(base, head, base_version, head_version, new_dirs, report, fit)
    for version in new_dirs:
        if version != release:
            report.add(
                f"{head.releases}/{version}",
                0,
                f"release directory added without bumping "
                f"{head.version_file}: only `densing release {version}` creates releases",
                kind="release",
            )
    for version in new_sections:
        if version != release:
            report.add(
                head.changelog,
                _heading_line(head, version),
                f"CHANGELOG entry for {version} added "
                "without a release: CHANGELOG entries are written by `densing release`",
                kind="release",
            )


def _version(layout: RepoLayout) -> str | None:
    path = layout.path(layout.version_file)
    return path.read_text(encoding="utf-8").strip() if path.is_file() else None


def _release_dirs(layout: RepoLayout) -> set[str]:
    if not layout.releases_dir.is_dir():
        return set()
    return {p.name for p in layout.releases_dir.iterdir() if p.is_dir() and not p.name.startswith(".")}


def _sections(layout: RepoLayout) -> dict[str, str]:
    path = layout.path(layout.changelog)
    return changelog.sections(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _heading_line(layout: RepoLayout, version: str) -> int:
    path = layout.path(layout.changelog)
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith(f"## {version}"):
            return number
    return 0


def _check_frozen_files(base: RepoLayout, head: RepoLayout, report: Report) -> None:
    if not base.releases_dir.is_dir():
        return
    base_files = set()
    for path in sorted(base.releases_dir.rglob("*")):
        rel = path.relative_to(base.releases_dir)
        if not path.is_file() or (len(rel.parts) == 1 and rel.name in _RELEASE_TOP_FILES):
            continue
        base_files.add(rel)
        shown = f"{base.releases}/{rel.as_posix()}"
        other = head.root / shown
        if not other.is_file():
            if not _left_git_with_its_hash(head, rel, path):
                report.add(
                    shown, 0, "released file deleted: a published version never changes", kind="release"
                )
        elif other.read_bytes() != path.read_bytes():
            report.add(shown, 0, "released file changed: a published version never changes", kind="release")
    released = {rel.parts[0] for rel in base_files if len(rel.parts) > 1}
    for path in sorted(head.releases_dir.rglob("*")) if head.releases_dir.is_dir() else []:
        rel = path.relative_to(head.releases_dir)
        if path.is_file() and rel.parts[0] in released and rel not in base_files:
            if rel.name == MANIFEST and len(rel.parts) == 2:
                continue  # a release made before manifests gains one (checked by verify-release)
            report.add(
                f"{head.releases}/{rel.as_posix()}",
                0,
                "file added to a published release: a published version never changes",
                kind="release",
            )


def _left_git_with_its_hash(head: RepoLayout, rel: Path, base_file: Path) -> bool:
    """True when a released export file is no longer tracked but the release's manifest (in the head)
    lists it with the same sha256: the exports are rebuilt from the records, not kept in git."""
    version, inner = rel.parts[0], "/".join(rel.parts[1:])
    found = Report()
    manifest = (
        read_manifest(head, version, found) if (head.release_dir(version) / MANIFEST).is_file() else None
    )
    if manifest is None:
        return False
    digest = hashlib.sha256(base_file.read_bytes()).hexdigest()
    return any(item["path"] == inner and item["sha256"] == digest for item in manifest["files"])


def _check_index_kept(base: RepoLayout, head: RepoLayout, report: Report) -> None:
    if not base.index_file.is_file():
        return
    shown = f"{head.releases}/index.json"
    try:
        old = read_index(base)["releases"]
        new = read_index(head)["releases"] if head.index_file.is_file() else []
    except ValueError as err:
        report.add(shown, 0, f"cannot read the release index: {err}", kind="release")
        return
    for entry in old:
        if entry not in new:
            version = entry.get("version") if isinstance(entry, dict) else entry
            report.add(
                shown,
                0,
                f"the entry of release {version} changed or disappeared: entries of "
                "published versions never change",
                kind="release",
            )


def _check_changelog_kept(base: RepoLayout, head: RepoLayout, report: Report) -> None:
    new = _sections(head)
    for version, text in _sections(base).items():
        if new.get(version) != text:
            report.add(
                head.changelog,
                _heading_line(head, version),
                f"the CHANGELOG entry of released "
                f"version {version} changed or disappeared: released entries never change",
                kind="release",
            )


def _release_of_pr(
    base: RepoLayout,
    head: RepoLayout,
    old: str | None,
    new: str | None,
    new_dirs: list[str],
    report: Report,
    fit: ReleaseFit | None = None,
) -> str | None:
    """The version this pull request releases (None when it is no release); check that release.

    A release bumps the data version, except the first one, which may release the initial version.
    """
    if old is None or new is None:
        return None
    first_release = _latest(base) is None and new == old and new in new_dirs
    if new == old and not first_release:
        return None
    shown = head.version_file
    try:
        if parse_version(new) < parse_version(old):
            report.add(shown, 1, f"data version goes from {old} to {new}: it must increase", kind="release")
            return None
    except VersionError as err:
        report.add(shown, 1, str(err), kind="release")
        return None
    if new not in new_dirs:
        report.add(
            shown,
            1,
            f"data version changed from {old} to {new} without a release: only "
            f"`densing release {new}` bumps it (it also writes {head.releases}/{new}/, the CHANGELOG "
            "entry and CITATION.cff)",
            kind="release",
        )
        return None
    problems = verify_release(head, new, rebuild_exports=False).report
    report.problems.extend(problems.problems)
    if problems.ok:
        _check_release_matches(base, head, new, report, fit)
    return new


def _latest(layout: RepoLayout) -> str | None:
    try:
        return read_index(layout).get("latest")
    except ValueError:
        return None


def _check_release_matches(
    base: RepoLayout, head: RepoLayout, version: str, report: Report, fit: ReleaseFit | None
) -> None:
    """The new release was made from the head's records, after the base's latest release, with its fit
    outputs (when ``fit`` is given)."""
    found = Report()
    manifest = read_manifest(head, version, found)
    report.problems.extend(found.problems)
    if manifest is None:
        return
    shown = f"{head.releases}/{version}/{MANIFEST}"
    if manifest.get("records_sha256") != records_sha256(head.records_dir):
        report.add(
            shown,
            0,
            f"release {version} was not made from these records (they changed after `densing release`): "
            f"undo the release files, then run `densing release {version}` again on the final records",
            kind="release",
        )
    else:
        rebuilt = verify_release(head, version, records_dir=head.records_dir, fit=fit).report
        report.problems.extend(rebuilt.problems)
    if fit is not None and not has_fit(manifest):
        report.add(
            shown,
            0,
            f"release {version} lists no fit outputs ({FIT_DIR}/...): releases carry them from 2026.12.4 "
            f"on; undo the release files and run `densing release {version}` again",
            kind="release",
        )
    try:
        previous = read_index(base).get("latest")
        latest = read_index(head).get("latest")
    except ValueError:
        return  # _check_index_kept reported it
    if manifest.get("previous") != previous:
        report.add(
            shown,
            0,
            f"release {version} follows {manifest.get('previous')!r}, but the base's "
            f"latest release is {previous!r}",
            kind="release",
        )
    if latest != version:
        report.add(f"{head.releases}/index.json", 0, f"'latest' must be {version}", kind="release")
    _check_record_hashes(head, version, manifest, report)
    if version not in _sections(head):
        report.add(head.changelog, 0, f"no CHANGELOG entry for {version}", kind="release")
    _check_citation_files(head, version, report)


def _check_record_hashes(head: RepoLayout, version: str, manifest: dict, report: Report) -> None:
    """The new release's ``record_sha256`` holds exactly the revisions no earlier release holds."""
    records, _ = read_records_dir(head.records_dir, shown_base=head.root, use_cache=True)
    earlier = [item for item in released_hashes(head, Report()) if item[0] != version]
    released = released_revisions(earlier)
    expected = hash_records(records, skip=lambda k, i, r: (k, i, r) in released)
    if manifest["record_sha256"] != expected:
        report.add(
            f"{head.releases}/{version}/{MANIFEST}",
            0,
            f"record_sha256 of release {version} does not hash the records it publishes: run "
            f"`densing release {version}` again on the final records",
            kind="release",
        )


def _check_citation_files(head: RepoLayout, version: str, report: Report) -> None:
    cff = head.path(head.citation)
    if cff.is_file() and cff_version(cff.read_text(encoding="utf-8")) != version:
        report.add(head.citation, 0, f"version must be {version} (set by `densing release`)", kind="release")
    zenodo = head.path(head.zenodo)
    if zenodo.is_file() and _json_version(zenodo) != version:
        report.add(head.zenodo, 0, f"version must be {version} (set by `densing release`)", kind="release")


def _json_version(path: Path) -> object:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return None
    return data.get("version") if isinstance(data, dict) else None
