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
    current_models: frozenset[str], releases: list[tuple[str, frozenset[str]]]
) -> tuple[str, frozenset[str]] | None:
    """The newest release whose models are a strict subset of ``current_models``: the one the
    current records add models to (the previous release once the current one is cut); None if none."""
    for version, models in reversed(releases):
        if models < current_models:
            return version, models
    return None
