"""What every page module receives: the records, the fit outputs and a few derived facts."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from densing_data import Dataset
from densing_site.citing.links import RepoLinks
from densing_site.inputs.fit_outputs import FitOutputs
from densing_site.text.unreleased import unreleased_summary


@dataclass(frozen=True)
class SiteData:
    """Inputs of the generator."""

    ds: Dataset
    """The records (current and history)."""
    fit: FitOutputs
    """The fitter's outputs (the only source of densities, trend and ruler curves)."""
    repo_root: Path
    """Where CHANGELOG.md, CITATION.cff, CONTRIBUTING.md and docs/ are read from."""
    record_path_prefix: str
    """Prefix that turns a record's ``path`` into its path in the repository (e.g. ``densing_data/``)."""
    releases_dir: Path
    """Frozen data releases (one folder per version); may not exist."""
    fit_dir: Path
    """The fitter's output files (published on the data page as they are)."""
    links: RepoLinks
    """Where links to repository files point (a commit or a release tag, never a branch)."""

    @cached_property
    def unreleased(self) -> dict[str, Any] | None:
        """What the records hold beyond the newest release (see :mod:`densing_site.text.unreleased`),
        read from the release manifests once per build; None when they are exactly that release."""
        return unreleased_summary(self.ds, self.releases_dir)

    def record_location(self, path: str | None, line: int | None) -> str:
        """``path:line`` of a record as found in the repository."""
        if not path:
            return ""
        return f"{self.record_path_prefix}{path}:{line}" if line else f"{self.record_path_prefix}{path}"

    def record_url(self, location: str) -> str:
        """The repository URL of a record location (``path:line``), pinned (see :class:`RepoLinks`)."""
        return self.links.record_url(location)
