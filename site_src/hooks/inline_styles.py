"""mkdocs hook: pages whose front matter says ``inline_styles: true`` carry their stylesheets inline.

The leaderboard is the page most people open first, often on a phone: a stylesheet in its own file
costs a second round trip before anything can be drawn (562 ms on a slow 4G connection). Inlined,
the table and its chart are on screen as soon as the HTML arrives. Only local stylesheets of the
theme or the docs dir are inlined, without comments; other pages keep the cached files (and
add ``densing-pages.css``, which the leaderboards do not need: see ``overrides/main.html``).
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page

_STYLESHEET = re.compile(r'<link rel="stylesheet" href="(?!https?:|//)([^"?#]+\.css)">')
_COMMENT = re.compile(r"/\*.*?\*/", re.S)
"""A comment of the site's own stylesheets (they hold no ``/*`` inside a string)."""
_SOURCE_MAP = re.compile(r"/\*# sourceMappingURL=[^*]*\*/")
"""The one comment left in the theme's minified stylesheets."""


def _source(config: MkDocsConfig, href: str, page: Page) -> Path:
    """The file behind a page-relative stylesheet ``href``: in the docs dir or a theme folder."""
    depth = page.url.count("/")
    rel = href
    for _ in range(depth):
        rel = rel.removeprefix("../")
    for folder in [config.docs_dir, *config.theme.dirs]:
        path = Path(folder) / rel
        if path.is_file():
            return path
    raise PluginError(f"{page.file.src_uri}: stylesheet {href} not found to inline")


def on_post_page(output: str, page: Page, config: MkDocsConfig, **kwargs: object) -> str:
    """Replace each local ``<link rel="stylesheet">`` of an ``inline_styles`` page by a ``<style>``."""
    if not page.meta.get("inline_styles"):
        return output

    def inline(match: re.Match[str]) -> str:
        path = _source(config, match.group(1), page)
        css = path.read_text(encoding="utf-8")
        own = Path(config.docs_dir).resolve() in path.resolve().parents
        css = (_COMMENT if own else _SOURCE_MAP).sub("", css)  # comments are not sent
        if "</style" in css.lower():
            raise PluginError(f"{match.group(1)} cannot be inlined: it contains '</style'")
        return f"<style>{css}</style>"

    return _STYLESHEET.sub(inline, output)
