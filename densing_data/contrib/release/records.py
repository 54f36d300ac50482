"""The record files a release was made from, read from git (without touching the working tree).

The records of a release are those of the first of its candidate commits (see
:func:`~densing_data.contrib.release.build.candidate_commits`) whose record files hash to the
manifest's ``records_sha256``. The site reads them to link record files at the release's tag while
they are unchanged, and to build the release's frozen pages.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from densing_data.contrib.gittree import GitError, read_tree
from densing_data.contrib.layout import RepoLayout
from densing_data.contrib.release.build import RebuildError, candidate_commits
from densing_data.contrib.release.files import read_manifest
from densing_data.report import Report


@dataclass(frozen=True)
class ReleaseRecords:
    """The record files of one release."""

    version: str
    """The data version."""
    commit: str
    """The commit they were read from (full hash)."""
    files: dict[str, bytes]
    """Repository path (``densing_data/records/...``) -> bytes."""


def tree_records_sha256(files: dict[str, bytes], records: str) -> str:
    """``records_sha256`` (see :func:`~densing_data.contrib.release.files.records_sha256`) of record
    files read from git: ``files`` maps repository paths below ``records`` to their bytes."""
    prefix = records.rstrip("/") + "/"
    lines = []
    for path, data in files.items():
        rel = path.removeprefix(prefix)
        if path.startswith(prefix) and not any(part.startswith(".") for part in rel.split("/")):
            lines.append(f"{hashlib.sha256(data).hexdigest()}  {rel}\n")
    lines.sort(key=lambda line: line[66:])
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()


def release_records(layout: RepoLayout, version: str) -> ReleaseRecords:
    """The record files release ``version`` was made from; :class:`RebuildError` naming the release
    and what to do when git holds none that hash to its manifest."""
    report = Report()
    manifest = read_manifest(layout, version, report)
    if manifest is None:
        raise RebuildError(report.render())
    want = manifest["records_sha256"]
    tried = []
    try:
        for commit in candidate_commits(layout, version, manifest):
            files = read_tree(layout.root, commit, [layout.records])
            digest = tree_records_sha256(files, layout.records)
            if digest == want:
                return ReleaseRecords(version=version, commit=commit, files=files)
            tried.append(f"{commit[:12]} hashes to {digest[:12]}…")
    except GitError as err:
        raise RebuildError(f"cannot read the records of release {version}: {err}") from None
    raise RebuildError(
        f"no commit holds the records of release {version} (records_sha256 {want[:12]}…; "
        f"{'; '.join(tried) or 'no candidate commit: was the release committed?'}); fetch the whole "
        "history (`git fetch --unshallow --tags`)"
    )
