"""Jinja2 rendering of Markdown pages and the writer that puts generated files into the docs dir.

Templates are Markdown with raw HTML blocks; autoescape is on for every template, so record text
becomes HTML text wherever it is inserted. Record text never goes into Markdown syntax itself: only
static headings and prose are Markdown. Page titles go through :func:`densing_site.escape.safe_title`.
"""

from __future__ import annotations

import functools
import json
import posixpath
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2

from densing_site import escape
from densing_site.paths import TEMPLATES_DIR
from densing_site.text import formatting

MANIFEST = ".generated"
"""File in the docs dir listing what the generator wrote last time (so it can clean up stale pages)."""


@functools.cache
def environment() -> jinja2.Environment:
    """The shared jinja2 environment: autoescape on, undefined names are errors."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        params=formatting.fmt_params,
        num=formatting.fmt_number,
        score=formatting.fmt_score,
        date=formatting.fmt_date,
        interval=formatting.fmt_interval,
        link=escape.external_link,
        record=escape.record_text,
        breakable=escape.breakable_id,
        json=escape.json_for_html,
        md=escape.markdown_text,
        missing=formatting.is_missing,
        sortkey=_sort_key,
        anchor=heading_anchor,
        bound=formatting.bound_mark,
        bound_words=formatting.bound_words,
    )
    return env


def heading_anchor(text: Any) -> str:
    """The id Markdown's table of contents gives a heading ``text``: ``qwen2.5-blog`` -> ``qwen25-blog``."""
    from markdown.extensions.toc import slugify

    return slugify(str(text), "-")


def _sort_key(value: Any) -> str:
    """A numeric sort key for a ``data-s`` attribute: 7 significant digits (empty when missing)."""
    n = formatting.number(value)
    return "" if n is None else format(n, ".7g")


def root_prefix(page_path: str) -> str:
    """Relative path from the page's URL (directory URLs) to the site root: ``models/x.md`` -> ``../../``."""
    parts = page_path.split("/")
    depth = len(parts) - 1 + (0 if parts[-1] == "index.md" else 1)
    return "../" * depth


class PageWriter:
    """Writes generated pages and files below ``docs_dir`` and remembers each path it wrote."""

    def __init__(self, docs_dir: Path) -> None:
        self.docs_dir = Path(docs_dir)
        self.written: list[str] = []

    def write_text(self, rel_path: str, text: str) -> Path:
        """Write ``text`` (UTF-8, ``\\n`` line ends) to ``docs_dir/rel_path``."""
        return self.write_bytes(rel_path, text.encode("utf-8"))

    def write_bytes(self, rel_path: str, data: bytes) -> Path:
        """Write ``data`` to ``docs_dir/rel_path``, creating folders."""
        rel_path = posixpath.normpath(rel_path)
        if rel_path.startswith("../") or rel_path.startswith("/"):
            raise ValueError(f"generated path {rel_path!r} leaves the docs dir")
        target = self.docs_dir / rel_path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.written.append(rel_path)
        return target

    def render_page(
        self,
        rel_path: str,
        template: str,
        *,
        title: str,
        context: Mapping[str, Any],
        title_fallback: str = "Page",
        charts: bool = False,
        hide: tuple[str, ...] = (),
        raw_html: bool = False,
        inline_styles: bool = False,
        scripts: tuple[str, ...] = (),
        styles: tuple[str, ...] = (),
        page_assets: tuple[str, ...] = (),
        site_scripts: bool = True,
    ) -> Path:
        """Render ``template`` with ``context`` (plus ``root``, the path to the site root) into a
        Markdown page with front matter: title, whether it needs the chart scripts, hidden parts, and
        whether the body is HTML only (``raw_html``: mkdocs then skips Markdown for it, see
        ``site_src/hooks/raw_html_pages.py``) and whether its stylesheets are inlined
        (``inline_styles``, see ``site_src/hooks/inline_styles.py``); ``scripts`` and ``styles``: files
        of ``assets/javascripts/`` and ``assets/stylesheets/`` only this page loads, after the theme's
        bundle; ``page_assets``: stylesheets and scripts under ``assets/`` only this page loads, its
        scripts before the theme's bundle (``site_src/overrides/main.html``); ``site_scripts=False``
        leaves out mkdocs.yml's site-wide scripts (``site_src/hooks/page_scripts.py``). ``title`` is
        plain text (record text included): it is escaped here, once; ``title_fallback`` stands in when
        it is empty."""
        meta: dict[str, Any] = {"title": escape.safe_title(title, title_fallback)}
        if charts:
            meta["charts"] = True
        if hide:
            meta["hide"] = list(hide)
        if raw_html:
            meta["raw_html"] = True
        if inline_styles:
            meta["inline_styles"] = True
        if scripts:
            meta["scripts"] = list(scripts)
        if styles:
            meta["styles"] = list(styles)
        if page_assets:
            meta["page_assets"] = list(page_assets)
        if not site_scripts:
            meta["site_scripts"] = False
        front = "".join(f"{key}: {json.dumps(value)}\n" for key, value in meta.items())
        body = environment().get_template(template).render(root=root_prefix(rel_path), **context)
        return self.write_text(rel_path, f"---\n{front}---\n\n{body}")
