"""Addresses the site links to: the paper, the source repository, record files in it."""

from __future__ import annotations

PAPER_URL = "https://arxiv.org/abs/2412.04315"
"""Xiao et al., "Densing Law of LLMs" (arXiv 2412.04315; Nature Machine Intelligence 2025)."""
REPO_URL = "https://github.com/densing-law/leaderboard"
"""The source repository."""
SITE_URL = "https://densing-law.github.io/leaderboard/"
"""Where the site is published (mkdocs.yml ``site_url``; CITATION.cff ``url``)."""


def record_url(location: str) -> str:
    """The repository URL of a record location ``path`` or ``path:line`` (empty for an empty location)."""
    if not location:
        return ""
    path, _, line = location.partition(":")
    anchor = f"#L{line}" if line.isdigit() else ""
    return f"{REPO_URL}/blob/main/{path}{anchor}"
