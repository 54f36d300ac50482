"""Project documents written for the repository (CONTRIBUTING.md, CHANGELOG.md, docs/*.md) as site pages.

They are trusted Markdown, included as written, except that links to other files of the repository
(``[README](releases/README.md)``) are not pages of the site: they become their plain link text.
"""

from __future__ import annotations

import re
from pathlib import Path

_RELATIVE_LINK = re.compile(r"(?<!!)\[([^\]\n]+)\]\((?!https?://|#|mailto:)[^)\s]+\)")


def delink_repository_paths(text: str) -> str:
    """``text`` with Markdown links to repository paths replaced by their link text."""
    return _RELATIVE_LINK.sub(r"\1", text)


def read_repo_doc(path: Path, *, drop_title: bool = False) -> str:
    """The Markdown of ``path`` ready to include (empty when the file does not exist); with
    ``drop_title``, its leading ``# Title`` line is removed (the page has its own)."""
    if not path.is_file():
        return ""
    text = path.read_text(encoding="utf-8")
    if drop_title and text.lstrip().startswith("# "):
        text = text.lstrip().split("\n", 1)[1] if "\n" in text.lstrip() else ""
    return delink_repository_paths(text)
