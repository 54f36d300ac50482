"""mkdocs hook: fail the build if a page would load anything from another origin.

The site must work offline from any static file server, so scripts, styles, images, frames and
media are only ever loaded from the site itself. Links (``<a href>``) to sources are fine.
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


def on_post_page(output: str, page: Page, **kwargs: object) -> str:
    """Raise when ``output`` loads a resource by absolute URL (http:, https:, //, data:, javascript:)."""
    match = _EXTERNAL.search(output)
    if match:
        raise PluginError(
            f'{page.file.src_uri}: <{match.group(1)} {match.group(2)}="{match.group(3)[:80]}"> loads '
            "a resource from outside the site; vendor it under site_src/assets/ instead"
        )
    return output
