"""Wording that names how this project's own tooling reached a source instead of a public place.

A citation must lead a reader somewhere they can go: the document's URL and locator, and, where the
text was read from a public copy, that copy's public address. Text that names internal search tools,
file references of a search index, or how a machine was lent says nothing a reader can check.
:data:`INTERNAL_PHRASES` recognizes such wording; the public-sources pass rewrites it in current
records, and a test keeps it out of every tracked file.

The patterns allow any run of whitespace between words, so text wrapped over lines (folded YAML,
Markdown paragraphs) is recognized too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

INTERNAL_PHRASES: tuple[tuple[str, str], ...] = (
    ("an index file reference", r"stored-file\s+id"),
    (
        "a search index",
        r"search\s+corpus|\b(?:pages|docs|code)(?:\s*/\s*(?:pages|docs|code))*\s+corp(?:us|ora)\b",
    ),
    ("a search index", r"\bthe\s+corpora\b|\bin\s+the\s+corpus\b"),
    ("a search command", r"\b(?:find|read)_(?:string|repos|files?)\b|`(?:search|fetch)`"),
    ("a search command", r"\b(?:pages|docs|code)(?:\s*/\s*(?:pages|docs|code))*\s+search(?:es)?\b"),
    ("a search command", r"\bsearch\s+\((?:pages|docs|code)|\bcan\s+be\s+fetched\s+here\b|\|\s*fetch\s*\|"),
    (
        "a search index's copy of a page",
        r"\bstored\s+(?:public\s+)?cop(?:y|ies)\b|\bstored\s+(?:ar5iv|html|pages?|excerpts?)\b",
    ),
    ("where the work ran", r"\bcould\s+not\s+be\s+opened\s+from\s+here\b"),
    ("a lent machine", r"device\s+tool|this\s+workplace|\bborrowed\b|\blent\s+through\b"),
    ("who did the work", r"helper\s+agent|\b(?:another|other|seed-import)\s+(?:data\s+)?helpers?\b"),
    ("who did the work", r"\bother\s+agents\b"),
    ("a time budget", r"for\s+lack\s+of\s+time|within\s+the\s+time\s+available"),
)
"""(what the wording names, regular expression) pairs, matched case-insensitively."""

_COMPILED = tuple((what, re.compile(pattern, re.IGNORECASE)) for what, pattern in INTERNAL_PHRASES)


@dataclass(frozen=True)
class InternalPhrase:
    """One piece of internal wording found in a text."""

    what: str
    """What it names (a search index, a search command, ...)."""
    text: str
    """The words as they appear."""
    start: int
    """Offset of the words in the text searched."""


def find_internal_phrases(text: str) -> list[InternalPhrase]:
    """Every piece of internal wording in ``text``, in order of appearance."""
    found = [
        InternalPhrase(what=what, text=match.group(0), start=match.start())
        for what, pattern in _COMPILED
        for match in pattern.finditer(text)
    ]
    return sorted(found, key=lambda phrase: phrase.start)


def has_internal_phrase(text: str) -> bool:
    """True when ``text`` holds any internal wording."""
    return any(pattern.search(text) for _, pattern in _COMPILED)
