"""The version switcher of the current pages, and the links of a frozen copy that leave it.

Pages with a frozen counterpart (leaderboards, the densing-law page, model pages) and the data page
list every released version; each entry links to the same page in that version's frozen copy when the
copy has it (a model released in that version), else to the copy's leaderboard. A frozen copy holds
only those pages, so its links to any other page (ruler, method, data ...) are rewritten to lead to the
current site's page, two folders up (``v/<version>/``).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from typing import Any

SAME_EVERYWHERE = ("", "densing-law/")
"""Page URLs every frozen copy has."""
_LINK = re.compile(r'(<a\b[^>]*?\shref=")([^"]*)(")')
_OUTSIDE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|/|#)")


def has_switcher(url: str) -> bool:
    """True for the pages that show the version switcher (mkdocs page URLs, e.g. ``models/x/``)."""
    return url in (*SAME_EVERYWHERE, "data/") or url.startswith(("models/", "track/"))


def version_links(url: str, document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """For page ``url``, each release of ``document`` (``versions.json``) with the site-root-relative
    address of its frozen copy of this page (``same``) or of its leaderboard."""
    out = []
    for release in document.get("releases", []):
        model = url.split("/")[1] if url.startswith("models/") else None
        same = url in SAME_EVERYWHERE or (model is not None and model in release["models"])
        out.append(
            {
                "version": release["version"],
                "date": release["date"],
                "href": release["path"] + (url if same else ""),
                "same": same,
            }
        )
    return out


def resolve(page_url: str, href: str) -> str | None:
    """The site-relative path a relative ``href`` on page ``page_url`` leads to (``""`` is the root,
    directories end in ``/``); None for absolute, fragment-only and other-scheme links."""
    path = re.split(r"[?#]", href, maxsplit=1)[0]
    if not path or _OUTSIDE.match(href):
        return None
    target = posixpath.normpath(posixpath.join(page_url, path))
    if target == ".":
        return ""
    return target + "/" if path.endswith("/") or path in (".", "..") else target


def leave_copy(html: str, page_url: str, kept: set[str]) -> str:
    """``html`` of frozen page ``page_url`` with each link to a page or file not in the copy (``kept``:
    its page URLs and file paths) pointed at the current site's page instead."""
    up = "../" * (page_url.count("/") + 2)  # to the copy's root, then out of v/<version>/

    def fix(match: re.Match[str]) -> str:
        href = match.group(2)
        target = resolve(page_url, href)
        if target is None or target.startswith("../") or _kept(target, kept):
            return match.group(0)
        rest = href[len(re.split(r"[?#]", href, maxsplit=1)[0]) :]
        return f"{match.group(1)}{up}{target}{rest}{match.group(3)}"

    return _LINK.sub(fix, html)


def _kept(target: str, kept: set[str]) -> bool:
    return target in kept or f"{target}index.html" in kept or f"{target}/" in kept
