"""mkdocs hook: take the nav from ``nav.json``, which the generator writes into the docs dir.

The pages are generated (model pages, optional docs), so the nav cannot be fixed in mkdocs.yml.
"""

from __future__ import annotations

import json
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Set ``config.nav`` from ``<docs_dir>/nav.json`` unless mkdocs.yml names a nav."""
    nav_file = Path(config.docs_dir) / "nav.json"
    if config.nav is None and nav_file.is_file():
        try:
            config.nav = json.loads(nav_file.read_text(encoding="utf-8"))
        except json.JSONDecodeError as err:
            raise PluginError(f"{nav_file}:{err.lineno}: invalid JSON: {err.msg}") from None
    return config
