"""mkdocs hook: data versions on the pages (see densing_site/versions/).

On the current site, the pages with a frozen counterpart and the data page get ``densing_versions``
in their template context (the switcher in ``overrides/main.html``), from the ``versions.json`` the
generator writes into the docs dir. In the build of a release's frozen copy (``extra.densing_frozen``
set), every link to a page the copy does not hold is pointed at the current site's page.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from densing_site.versions.switcher import has_switcher, leave_copy, version_links

_STATE: dict[str, Any] = {"versions": None, "kept": set()}


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Read ``versions.json`` from the docs dir (absent in a frozen build)."""
    path = Path(config.docs_dir) / "versions.json"
    _STATE["versions"] = None
    if path.is_file():
        try:
            _STATE["versions"] = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as err:
            raise PluginError(f"{path}:{err.lineno}: invalid JSON: {err.msg}") from None
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Remember every page URL and file path of the build (what a frozen copy holds)."""
    _STATE["kept"] = {f.url for f in files} | {f.dest_uri for f in files}
    return files


def on_page_context(context: dict[str, Any], page: Page, config: MkDocsConfig, **kwargs: object) -> dict:
    """Give the switcher its links on the pages that show it."""
    versions = _STATE["versions"]
    if versions is not None and versions.get("releases") and has_switcher(page.url):
        context["densing_versions"] = {
            "current": versions["current"],
            "links": version_links(page.url, versions),
        }
    return context


def on_post_page(output: str, page: Page, config: MkDocsConfig, **kwargs: object) -> str:
    """In a frozen build, point links that leave the copy at the current site."""
    if config.extra.get("densing_frozen"):
        return leave_copy(output, page.url, _STATE["kept"])
    return output
