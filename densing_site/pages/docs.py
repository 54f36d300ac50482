"""Pages copied from the project's own documentation (trusted Markdown written in the repository)."""

from __future__ import annotations

import re

from densing_site.render import PageWriter
from densing_site.repo_docs import read_repo_doc
from densing_site.sitedata import SiteData

DOCS = (
    ("method.md", "docs/method.md", "Method"),
    ("evaluators.md", "docs/evaluators.md", "Evaluators"),
    ("cli.md", "docs/cli.md", "Commands"),
)
"""Site page, source in the repository, nav title."""
_MATH = re.compile(r"(?<![\\$])\$[^\s$][^$\n]*\$|^\$\$", re.MULTILINE)
"""Inline ``$...$`` or display ``$$`` math (pymdownx.arithmatex): such a page loads KaTeX."""


def write_docs(writer: PageWriter, data: SiteData) -> list[tuple[str, str]]:
    """Copy each project document that exists; return (nav title, page) of those written."""
    written = []
    for page, source, title in DOCS:
        path = data.repo_root / source
        if path.is_file():
            text = read_repo_doc(path)
            math = "math: true\n" if _MATH.search(text) else ""
            if not text.startswith("---\n"):
                text = f"---\ntitle: {title}\n{math}---\n\n{text}"
            elif math:
                text = f"---\n{math}{text[4:]}"
            writer.write_text(page, text)
            written.append((title, page))
    return written
