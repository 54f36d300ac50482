"""Which models each data release holds, read from the release manifests.

A manifest lists the record revisions its release adds (``record_sha256``), so a release holds the
models of its own manifest and of every earlier one. The fitter uses this to state the densing law
with and without the models a release added.
"""

from __future__ import annotations

import json

from densing_data.contrib.layout import REPO_ROOT, RepoLayout, VersionError, parse_version
from densing_data.contrib.release.files import MANIFEST, release_versions

__all__ = ["baseline_release", "released_models"]


def released_models(layout: RepoLayout | None = None) -> list[tuple[str, frozenset[str]]]:
    """``(version, ids of the models it holds)`` for every release under ``releases/``, oldest first.

    Empty when the repository has no releases (an installed package without its repository). A
    manifest that cannot be read ends the list there: ``densing verify-release`` names the problem.
    """
    layout = layout or RepoLayout(REPO_ROOT)
    held: set[str] = set()
    found: list[tuple[str, frozenset[str]]] = []
    for version in release_versions(layout):
        try:
            manifest = json.loads((layout.release_dir(version) / MANIFEST).read_text(encoding="utf-8"))
            held |= set(manifest["record_sha256"].get("model", {}))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            break
        found.append((version, frozenset(held)))
    return found


def baseline_release(
    current_models: frozenset[str],
    releases: list[tuple[str, frozenset[str]]],
    current_version: str | None = None,
) -> tuple[str, frozenset[str]] | None:
    """The release the current records are compared with: the newest whose models the current ones
    strictly contain; None if none.

    With ``current_version`` (the records' DATA_VERSION, CalVer ``YYYY.MM.N``) only releases of an
    earlier month count, so the comparison is with the previous month's data and "added" means added
    in this month's versions and since: neither a patch release (``.1``) nor records merged after a
    release shrink it to themselves. A ``current_version`` that is not CalVer (``"unversioned"``, which
    :func:`densing_data.load` reports for records without a DATA_VERSION file, or a name given to
    records built in memory) has no month, so it is treated as None: every release counts. Release
    versions come from ``releases/<version>/`` folders, which :func:`released_models` keeps to CalVer;
    one that is not raises :class:`~densing_data.contrib.layout.VersionError`.
    """
    month = _month(current_version)
    for version, models in reversed(releases):
        if month is not None and parse_version(version)[:2] >= month:
            continue
        if models < current_models:
            return version, models
    return None


def _month(version: str | None) -> tuple[int, int] | None:
    """(year, month) of a CalVer version; None for None or a version that is not CalVer."""
    if version is None:
        return None
    try:
        return parse_version(version)[:2]
    except VersionError:
        return None
