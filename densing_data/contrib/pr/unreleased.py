"""Record revisions that no data release holds yet.

The leaderboard is built from the records on the main branch, which may hold revisions merged after
the last release. A reader citing a data version must know whether the numbers in front of them are
that version's: every release's manifest lists the revisions it added (``record_sha256``), so the
revisions outside their union are the unreleased ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from densing_data.contrib.layout import RepoLayout
from densing_data.contrib.release.files import released_hashes
from densing_data.report import Report

__all__ = ["Unreleased", "UnreleasedError", "unreleased_revisions"]


class UnreleasedError(ValueError):
    """A release manifest could not be read, so what is unreleased cannot be told."""


@dataclass(frozen=True)
class Unreleased:
    """What the records hold beyond the newest release."""

    latest: str
    """The newest release's version."""
    revisions: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)
    """Kind -> (record id, revision) of every unreleased revision, sorted; kinds with none left out."""

    @property
    def count(self) -> int:
        """How many record revisions are unreleased."""
        return sum(len(items) for items in self.revisions.values())

    def ids(self, kind: str) -> tuple[str, ...]:
        """The distinct ids of ``kind`` with an unreleased revision, sorted."""
        return tuple(sorted({record_id for record_id, _ in self.revisions.get(kind, ())}))


def unreleased_revisions(history: Mapping[str, pd.DataFrame], releases_dir: Path) -> Unreleased | None:
    """The revisions in ``history`` (kind -> table with ``id`` and ``revision``, as
    :attr:`densing_data.Dataset.history`) that no release under ``releases_dir`` holds; None when
    there is no release. Raise :class:`UnreleasedError` when a manifest cannot be read."""
    layout = RepoLayout(releases_dir.parent, releases=releases_dir.name)
    report = Report()
    releases = released_hashes(layout, report)
    if not report.ok:
        raise UnreleasedError(report.render())
    if not releases:
        return None
    held: set[tuple[str, str, int]] = {
        (kind, record_id, int(revision))
        for _, hashes in releases
        for kind, ids in hashes.items()
        for record_id, revisions in ids.items()
        for revision in revisions
    }
    revisions = {}
    for kind, frame in sorted(history.items()):
        missing = sorted(
            (str(record_id), int(revision))
            for record_id, revision in _pairs(frame)
            if (kind, str(record_id), int(revision)) not in held
        )
        if missing:
            revisions[kind] = tuple(missing)
    return Unreleased(latest=releases[-1][0], revisions=revisions)


def _pairs(frame: pd.DataFrame) -> Iterable[tuple[object, object]]:
    if frame.empty:
        return ()
    return zip(frame["id"], frame["revision"], strict=True)
