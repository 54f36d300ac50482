"""Pages copied from the project's own documentation (trusted Markdown written in the repository)."""

from __future__ import annotations

import re

from densing_site.inputs.repo_docs import read_repo_doc
from densing_site.render import PageWriter
from densing_site.sitedata import SiteData

DOCS = (
    ("method.md", "docs/method.md", "Method"),
    ("evaluators.md", "docs/evaluators.md", "Evaluators"),
    ("cli.md", "docs/cli.md", "Commands"),
    ("fit-outputs.md", "docs/dev/fit-outputs.md", "Fit outputs"),
)
"""Site page, source in the repository, title (see :data:`IN_NAV`)."""
IN_NAV = ("method.md", "evaluators.md", "cli.md")
"""Pages with a tab of their own; the fit outputs page is reached from the Method and Data pages."""
_MATH = re.compile(r"(?<![\\$])\$[^\s$][^$\n]*\$|^\$\$", re.MULTILINE)
"""Inline ``$...$`` or display ``$$`` math (pymdownx.arithmatex): such a page loads KaTeX."""


def write_docs(writer: PageWriter, data: SiteData) -> list[tuple[str, str]]:
    """Copy each project document that exists; return (nav title, page) of those written that have a
    tab (:data:`IN_NAV`)."""
    written = []
    for page, source, title in DOCS:
        path = data.repo_root / source
        if path.is_file():
            text = read_repo_doc(data.repo_root, source, page, data.links)
            math = "math: true\n" if _MATH.search(text) else ""
            if not text.startswith("---\n"):
                text = f"---\ntitle: {title}\n{math}---\n\n{text}"
            elif math:
                text = f"---\n{math}{text[4:]}"
            writer.write_text(page, text)
            if page in IN_NAV:
                written.append((title, page))
    return written
