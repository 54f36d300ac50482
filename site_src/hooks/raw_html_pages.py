"""mkdocs hook: pages whose front matter says ``raw_html: true`` skip Markdown.

The generator writes the model pages and the leaderboard as HTML (escaped by jinja2's autoescape)
inside a Markdown file. Python-Markdown would only pass that HTML through, at about a third of the
build time for a thousand models, so this hook takes the body out before Markdown runs and puts it
back as the page content afterwards. Such pages have no Markdown table of contents.
"""

from __future__ import annotations

from mkdocs.structure.pages import Page

_BODIES: dict[str, str] = {}


def on_page_markdown(markdown: str, page: Page, **kwargs: object) -> str:
    """Keep the body of a raw-HTML page aside and give Markdown nothing to convert."""
    if page.meta.get("raw_html"):
        _BODIES[page.file.src_uri] = markdown
        return ""
    return markdown


def on_page_content(html: str, page: Page, **kwargs: object) -> str:
    """Put the kept body back as the page's HTML."""
    body = _BODIES.pop(page.file.src_uri, None)
    return html if body is None else body
