"""mkdocs hook: fail the build if a page would load anything from another origin.

The site must work offline from any static file server, so scripts, styles, images, frames and
media are only ever loaded from the site itself. Links (``<a href>``) to sources are fine, and so is
``<link rel="canonical">`` (the page's own published address, from ``site_url``; nothing is loaded).
"""

from __future__ import annotations

import re

from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page

_EXTERNAL = re.compile(
    r"<(script|link|img|iframe|source|embed|object|audio|video|track|input)\b[^>]*?"
    r"\s(src|href|srcset|data|poster)\s*=\s*[\"']?\s*((?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)[^\"'\s>]*)",
    re.IGNORECASE,
)
_CANONICAL = re.compile(r"""\srel\s*=\s*["']?canonical\b""", re.IGNORECASE)


def on_post_page(output: str, page: Page, **kwargs: object) -> str:
    """Raise when ``output`` loads a resource by absolute URL (http:, https:, //, data:, javascript:)."""
    for match in _EXTERNAL.finditer(output):
        tag = output[match.start() : output.find(">", match.start()) + 1]
        if match.group(1).lower() == "link" and _CANONICAL.search(tag):
            continue
        raise PluginError(
            f'{page.file.src_uri}: <{match.group(1)} {match.group(2)}="{match.group(3)[:80]}"> loads '
            "a resource from outside the site; vendor it under site_src/assets/ instead"
        )
    return output
