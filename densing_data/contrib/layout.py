"""Where the contribution flow finds things in a repository, and data versions (CalVer).

A data version is ``YYYY.MM.N``: the year and month it was released and a counter from 0 within that
month (``2026.11.0``, ``2026.11.1``, ``2026.12.0``). Versions compare as number tuples.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from densing_data.paths import PACKAGE_DIR

REPO_ROOT = PACKAGE_DIR.parent
"""The repository the shipped records live in."""

_CALVER = re.compile(r"^(?P<year>\d{4})\.(?P<month>0[1-9]|1[0-2])\.(?P<n>0|[1-9]\d{0,3})$")


class VersionError(ValueError):
    """A data version that is not CalVer ``YYYY.MM.N``."""


def parse_version(text: str) -> tuple[int, int, int]:
    """``"2026.11.0"`` -> ``(2026, 11, 0)``; raise :class:`VersionError` for anything else."""
    match = _CALVER.match(text.strip())
    if match is None:
        raise VersionError(
            f"data version {text!r} is not CalVer YYYY.MM.N (expected e.g. '2026.11.0': four-digit "
            "year, two-digit month 01-12, counter from 0 without leading zeros)"
        )
    return int(match["year"]), int(match["month"]), int(match["n"])


@dataclass(frozen=True)
class RepoLayout:
    """Paths of the files the contribution flow reads and writes, below one repository root."""

    root: Path
    """Repository root (the directory holding ``.git``)."""
    records: str = "densing_data/records"
    """Records directory, relative to ``root``."""
    version_file: str = "densing_data/DATA_VERSION"
    """The data version file, relative to ``root``."""
    releases: str = "releases"
    """Frozen releases: ``releases/<version>/`` and ``releases/index.json``."""
    changelog: str = "CHANGELOG.md"
    citation: str = "CITATION.cff"
    zenodo: str = ".zenodo.json"

    def path(self, relative: str) -> Path:
        """``relative`` below the root."""
        return self.root / relative

    @property
    def records_dir(self) -> Path:
        """The records directory."""
        return self.root / self.records

    @property
    def releases_dir(self) -> Path:
        """The directory holding every frozen release."""
        return self.root / self.releases

    @property
    def index_file(self) -> Path:
        """``releases/index.json``: every release with its date and hashes."""
        return self.releases_dir / "index.json"

    def release_dir(self, version: str) -> Path:
        """``releases/<version>/``."""
        return self.releases_dir / version

    def data_version(self) -> str:
        """The data version written in the version file."""
        return self.path(self.version_file).read_text(encoding="utf-8").strip()
