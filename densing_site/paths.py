"""Where the site's sources live and which of their paths the generator owns."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
"""The repository root (holds mkdocs.yml, site_src/, CHANGELOG.md, CITATION.cff, ...)."""
SITE_SRC = REPO_ROOT / "site_src"
"""The mkdocs ``docs_dir``: hand-written assets, overrides and hooks, plus generated pages."""
MKDOCS_YML = REPO_ROOT / "mkdocs.yml"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
RELEASES_DIR = REPO_ROOT / "releases"
"""Frozen data releases written by ``densing release`` (one folder per version), when present."""

HAND_WRITTEN = ("assets", "overrides", "hooks", ".gitignore")
"""Top-level entries of ``site_src/`` that are committed; everything else there is generated."""

NAV_FILE = "nav.json"
"""Written by the generator into the docs dir; ``site_src/hooks/generated_nav.py`` reads it."""
