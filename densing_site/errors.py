"""Errors of the site build: each says which input is wrong and what to do."""

from __future__ import annotations


class SiteError(Exception):
    """The site cannot be built from these inputs; the message names the file and the problem."""
