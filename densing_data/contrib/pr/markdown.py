"""Untrusted text (names, notes, URLs from records) made safe to put in Markdown."""

from __future__ import annotations

import html
import re

_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
"""Characters that mean something inline (text is always one line after a prefix, so line-start
markers such as ``#``, ``-`` and ``1.`` cannot take effect)."""


def md_text(text: str, limit: int = 300) -> str:
    """One line of literal text: Markdown and HTML specials escaped, whitespace collapsed,
    ``@`` defused so no one is mentioned, cut to ``limit`` characters."""
    flat = " ".join(str(text).split())
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    escaped = _SPECIAL.sub(r"\\\1", html.escape(flat, quote=False))
    return escaped.replace("@", "&#64;")


def md_code(text: str) -> str:
    """An identifier (a slug) as inline code; anything with a backtick or newline is escaped instead."""
    if "`" in text or "\n" in text or not text:
        return md_text(text)
    return f"`{text}`"
