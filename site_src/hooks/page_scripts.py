"""mkdocs hook: a page whose front matter says ``site_scripts: false`` does not load the site-wide
scripts of mkdocs.yml's ``extra_javascript`` (the leaderboard's table, chart and citation scripts).

The calculator page runs its own scripts and uses none of those; leaving them out keeps its first load
small. The theme's own bundle and the page's ``page_assets`` stay.
"""

from __future__ import annotations

import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page


def on_post_page(output: str, page: Page, config: MkDocsConfig, **kwargs: object) -> str:
    """Remove the ``<script>`` tags of ``extra_javascript`` from a page that opts out of them."""
    if page.meta.get("site_scripts", True) is not False:
        return output
    for script in config.extra_javascript:
        name = re.escape(str(script).rsplit("/", 1)[-1])
        output = re.sub(rf'\s*<script src="[^"]*/{name}"></script>', "", output)
    return output
