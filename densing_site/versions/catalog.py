"""Every released data version as the site links to it: its cut date and which model pages its frozen
copy has (read from the release manifests and the records' history, no git needed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from densing_data.contrib.layout import RepoLayout
from densing_data.contrib.release.files import read_index, released_hashes
from densing_data.report import Report
from densing_site.errors import SiteError

FROZEN_ROOT = "v"
"""The folder of the site holding each version's frozen pages: ``v/<version>/``."""


class CatalogError(SiteError):
    """The releases cannot be read; the message names the file."""


@dataclass(frozen=True)
class ReleasedVersion:
    """One data release, as the version switcher and the data page show it."""

    version: str
    """CalVer ``YYYY.MM.N``."""
    date: str
    """The day it was cut (ISO)."""
    models: frozenset[str]
    """Model ids with a page in its frozen copy: its current (not retracted) models."""

    @property
    def path(self) -> str:
        """Its frozen pages, relative to the site root: ``v/2026.12.3/``."""
        return f"{FROZEN_ROOT}/{self.version}/"


def released_versions(releases_dir: Path, history: Mapping[str, pd.DataFrame]) -> list[ReleasedVersion]:
    """Every release listed in ``releases_dir/index.json``, newest first. ``history`` (as
    :attr:`densing_data.Dataset.history`, which keeps every revision) tells which released model
    revisions retract their model."""
    layout = RepoLayout(releases_dir.parent, releases=releases_dir.name)
    try:
        index = read_index(layout)
    except ValueError as err:
        raise CatalogError(str(err)) from None
    report = Report()
    hashes = released_hashes(layout, report)
    if not report.ok:
        raise CatalogError(f"cannot read the release manifests:\n{report.render()}")
    retracted = _retracted_models(history)
    heads: dict[str, int] = {}
    models: dict[str, frozenset[str]] = {}
    for version, by_kind in hashes:
        for model_id, revisions in by_kind.get("model", {}).items():
            heads[model_id] = max([heads.get(model_id, 0), *(int(r) for r in revisions)])
        models[version] = frozenset(m for m, rev in heads.items() if (m, rev) not in retracted)
    out = []
    for entry in index["releases"]:
        version = str(entry.get("version", "")) if isinstance(entry, dict) else repr(entry)
        if version not in models:
            raise CatalogError(f"{layout.index_file}: release {version!r} has no readable manifest")
        date = str(entry.get("date", ""))
        try:
            dt.date.fromisoformat(date)
        except ValueError:
            raise CatalogError(
                f"{layout.index_file}: release {version} has date {date[:40]!r}, expected the day it was "
                "cut as YYYY-MM-DD"
            ) from None
        out.append(ReleasedVersion(version=version, date=date, models=models[version]))
    return out


def _retracted_models(history: Mapping[str, pd.DataFrame]) -> set[tuple[str, int]]:
    frame = history.get("model")
    if frame is None or frame.empty:
        return set()
    gone = frame[frame["retracted"].astype(bool)]
    return {(str(i), int(r)) for i, r in zip(gone["id"], gone["revision"], strict=True)}
