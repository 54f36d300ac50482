"""Project documents written for the repository (CONTRIBUTING.md, CHANGELOG.md, docs/*.md) as site pages.

They are trusted Markdown, included as written, except for their relative links, which name files of
the repository: a link to a document the site also shows (:data:`SITE_PAGES`) becomes a link to that
page; a link to any other file becomes its GitHub URL at the commit the site is built from (never a
branch). Anchors are kept.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from densing_site.citing.links import RepoLinks

SITE_PAGES = {
    "docs/method.md": "method.md",
    "docs/evaluators.md": "evaluators.md",
    "docs/cli.md": "cli.md",
    "docs/dev/fit-outputs.md": "fit-outputs.md",
    "CONTRIBUTING.md": "contributing.md",
    "CHANGELOG.md": "changelog.md",
}
"""Repository document -> the site page (source path in the docs dir) that shows it."""

_RELATIVE_LINK = re.compile(r"(?<!!)\[([^\]\n]+)\]\((?!https?://|#|mailto:)([^)\s]+)\)")


def link_target(target: str, source: str, page: str, links: RepoLinks) -> str:
    """Where a relative link ``target`` in repository document ``source`` goes once the document is
    site page ``page``: the page showing the linked document (relative to ``page``), else the file's
    pinned GitHub URL."""
    path, hash_, anchor = target.partition("#")
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(source), path)) if path else source
    if resolved.startswith("../"):
        raise ValueError(f"{source}: link {target!r} leaves the repository")
    fragment = hash_ + anchor
    if resolved in SITE_PAGES:
        return posixpath.relpath(SITE_PAGES[resolved], posixpath.dirname(page) or ".") + fragment
    return links.blob(resolved) + fragment


def link_repository_paths(text: str, source: str, page: str, links: RepoLinks) -> str:
    """``text`` with each Markdown link to a repository path pointed where :func:`link_target` says."""
    return _RELATIVE_LINK.sub(
        lambda m: f"[{m.group(1)}]({link_target(m.group(2), source, page, links)})", text
    )


def read_repo_doc(root: Path, source: str, page: str, links: RepoLinks, *, drop_title: bool = False) -> str:
    """The Markdown of repository file ``source`` (below ``root``) ready to include in site page
    ``page`` (empty when the file does not exist); with ``drop_title``, its leading ``# Title`` line
    is removed (the page has its own)."""
    path = root / source
    if not path.is_file():
        return ""
    text = path.read_text(encoding="utf-8")
    if drop_title and text.lstrip().startswith("# "):
        text = text.lstrip().split("\n", 1)[1] if "\n" in text.lstrip() else ""
    return link_repository_paths(text, source, page, links)
