"""Addresses the site links to: the paper, the source repository, files in it at a fixed commit.

A link to a file in the repository never names a branch: a branch moves, and a cited page would then
show other lines than the ones it was built from. Record files are linked at the tag of the latest
release (``data-v<version>``) when their bytes are the same there, else at the commit the site was
built from; the frozen pages of a release link every record file at that release's tag.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PAPER_URL = "https://arxiv.org/abs/2412.04315"
"""Xiao et al., "Densing Law of LLMs" (arXiv 2412.04315; Nature Machine Intelligence 2025)."""
REPO_URL = "https://github.com/densing-law/leaderboard"
"""The source repository."""
SITE_URL = "https://densing-law.github.io/leaderboard/"
"""Where the site is published (mkdocs.yml ``site_url``; CITATION.cff ``url``)."""


def release_tag(version: str) -> str:
    """The git tag of data release ``version``: ``data-v2026.12.3``."""
    return f"data-v{version}"


@dataclass(frozen=True)
class RepoLinks:
    """Where the site's links to files in the repository point."""

    ref: str
    """The commit (full hash) the site is built from, or for frozen pages their release's tag."""
    release: str | None = None
    """The release whose tag the files in ``unchanged`` are linked at (None: every file at ``ref``)."""
    unchanged: frozenset[str] = field(default_factory=frozenset)
    """Repository paths of the files whose bytes at ``release``'s tag are those the site was built from."""

    def blob(self, path: str, line: int | str | None = None) -> str:
        """The URL of repository file ``path`` (optionally at ``line``) at the ref chosen for it."""
        ref = release_tag(self.release) if self.release and path in self.unchanged else self.ref
        anchor = f"#L{line}" if str(line or "").isdigit() else ""
        return f"{REPO_URL}/blob/{ref}/{path}{anchor}"

    def record_url(self, location: str) -> str:
        """The URL of a record location ``path`` or ``path:line`` (empty for an empty location)."""
        if not location:
            return ""
        path, _, line = location.partition(":")
        return self.blob(path, line)
