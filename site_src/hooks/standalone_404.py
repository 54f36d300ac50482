"""mkdocs hook: the 404 page loads nothing, so it looks right wherever a server shows it.

A static server answers every missing address with ``404.html``, at any depth and under whatever
prefix the site is served from, so neither relative paths nor paths from the site root can reach the
site's files. The page therefore carries its stylesheets inline and its favicon as a data URI, drops
its scripts (the header, tabs and text work without them), and its links name the published site
(``site_url``): absolute URLs that work from anywhere.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

PAGE = "404.html"
_STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)">')
_ICON = re.compile(r'<link rel="icon" href="([^"]+)">')
_SCRIPT = re.compile(r'<script src="[^"]*"></script>')
_LINK = re.compile(r'(<a\b[^>]*?\shref=")(/[^"]*)(")')


def _file(config: MkDocsConfig, href: str) -> Path:
    """The file behind an asset ``href`` written from the site root (``/leaderboard/assets/...``)."""
    base = urlsplit(config.site_url or "/").path or "/"
    rel = href.removeprefix(base) if href.startswith(base) else href.lstrip("/")
    for folder in [config.docs_dir, *config.theme.dirs]:
        path = Path(folder) / rel
        if path.is_file():
            return path
    raise PluginError(f"{PAGE}: {href} not found to inline")


def standalone(output: str, config: MkDocsConfig) -> str:
    """``output`` (the rendered 404 page) with nothing left to load."""

    def inline_css(match: re.Match[str]) -> str:
        css = _file(config, match.group(1)).read_text(encoding="utf-8")
        css = re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", css)
        if "</style" in css.lower():
            raise PluginError(f"{match.group(1)} cannot be inlined: it contains '</style'")
        return f"<style>{css}</style>"

    def inline_icon(match: re.Match[str]) -> str:
        data = base64.b64encode(_file(config, match.group(1)).read_bytes()).decode("ascii")
        return f'<link rel="icon" href="data:image/png;base64,{data}">'

    site = config.site_url or "/"
    output = _STYLESHEET.sub(inline_css, output)
    output = _ICON.sub(inline_icon, output)
    output = _SCRIPT.sub("", output)
    return _LINK.sub(lambda m: m.group(1) + urljoin(site, m.group(2)) + m.group(3), output)


def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    """Make the 404 page standalone (other templates pass unchanged)."""
    return standalone(output_content, config) if template_name == PAGE else output_content
