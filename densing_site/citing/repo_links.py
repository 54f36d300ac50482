"""Pin the site's links to repository files: the build's commit, and the latest release's tag for
record files unchanged since that release (see :mod:`densing_site.citing.links`)."""

from __future__ import annotations

import re
from pathlib import Path

from densing_data.contrib.gittree import GitError, run_git
from densing_data.contrib.layout import RepoLayout
from densing_data.contrib.release.build import RebuildError
from densing_data.contrib.release.files import read_index
from densing_data.contrib.release.records import release_records
from densing_site.citing.links import RepoLinks
from densing_site.errors import SiteError

_COMMIT = re.compile(r"^[0-9a-f]{40}$")


class LinkError(SiteError):
    """The commit to pin links to cannot be told."""


def build_commit(repo_root: Path, given: str | None = None) -> str:
    """The full hash of the commit the site is built from: ``given`` (``--commit``), else git's HEAD."""
    if given is not None:
        if not _COMMIT.match(given):
            raise LinkError(f"--commit {given!r} is not a full commit hash (40 lowercase hex digits)")
        return given
    try:
        return run_git(repo_root, "rev-parse", "--verify", "HEAD").decode("ascii").strip()
    except GitError:
        raise LinkError(
            f"{repo_root} is not a git checkout, so the commit to link record files at is unknown: pass "
            "--commit with the full hash of the commit these files come from"
        ) from None


def _inside(path: Path, root: Path) -> str | None:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None


def current_links(
    repo_root: Path, records_dir: Path, releases_dir: Path, commit: str
) -> tuple[RepoLinks, str]:
    """Links for a build of ``records_dir`` at ``commit``: record files whose bytes equal those of the
    latest release link at its tag. Returns the links and a note on what could not be pinned to the tag
    (empty when nothing is worth saying)."""
    records = _inside(records_dir, repo_root)
    releases = _inside(releases_dir, repo_root)
    if records is None or releases is None:
        return RepoLinks(ref=commit), ""
    layout = RepoLayout(root=repo_root, records=records, releases=releases)
    try:
        latest = read_index(layout).get("latest")
    except ValueError as err:
        raise LinkError(str(err)) from None
    if not latest:
        return RepoLinks(ref=commit), ""
    try:
        released = release_records(layout, latest)
    except RebuildError as err:
        note = f"record links point at commit {commit[:12]}, not at release {latest}'s tag: {err}"
        return RepoLinks(ref=commit), note
    unchanged = frozenset(
        path for path, data in released.files.items() if _same_bytes(repo_root / path, data)
    )
    return RepoLinks(ref=commit, release=latest, unchanged=unchanged), ""


def _same_bytes(path: Path, data: bytes) -> bool:
    return path.is_file() and not path.is_symlink() and path.read_bytes() == data
