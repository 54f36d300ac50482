"""Which models each data release holds, read from the release manifests.

A manifest lists the record revisions its release adds (``record_sha256``), so a release holds the
models of its own manifest and of every earlier one. The fitter uses this to state the densing law
with and without the models a release added.
"""

from __future__ import annotations

import json

from densing_data.contrib.layout import REPO_ROOT, RepoLayout
from densing_data.contrib.release_files import MANIFEST, release_versions

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
    release shrink it to themselves.
    """
    for version, models in reversed(releases):
        if current_version is not None and _key(version)[:2] >= _key(current_version)[:2]:
            continue
        if models < current_models:
            return version, models
    return None


def _key(version: str) -> tuple[int, ...]:
    """``YYYY.MM.N`` as a tuple of integers, for ordering."""
    return tuple(int(part) for part in version.split("."))
