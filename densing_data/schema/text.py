"""Text fields of records: which characters they may hold, and http(s) URLs.

Record text is shown on the site, in exports and in terminals, so characters that change how other
text looks or reads are refused, each named with its code point:

* control characters (Unicode category Cc: C0, DEL and C1), except a tab or a line break in
  multi-line text (:data:`Text`);
* line and paragraph separators (U+2028, U+2029);
* invisible formatting characters (category Cf): bidirectional embeddings, overrides and isolates
  (U+202A-U+202E, U+2066-U+2069), marks (U+200E, U+200F, U+061C), zero-width space (U+200B), word
  joiner (U+2060), byte-order mark (U+FEFF), soft hyphen and the like. The zero-width joiner and
  non-joiner (U+200D, U+200C) are allowed only between two non-ASCII characters, where they shape a
  script or an emoji sequence; anywhere else they only hide a difference between two names.

The published JSON Schema states these rules as a ``pattern`` (allowing the joiners anywhere); ``densing
validate`` applies them exactly.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator, StringConstraints, WithJsonSchema

JOINERS = {"\u200c", "\u200d"}
MULTILINE_ALLOWED = {"\n", "\t"}
_REFUSED_CLASS = (
    r"\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b\u200e\u200f\u2028-\u202e\u2060-\u206f\ufeff"
    r"\ufff9-\ufffb"
)
LINE_PATTERN = rf"^[^{_REFUSED_CLASS}]*$"
"""JSON Schema pattern of one-line text (the refused characters of the module docstring)."""
MULTILINE_PATTERN = rf"^(?:[\t\n]|[^{_REFUSED_CLASS}])*$"
"""JSON Schema pattern of multi-line text: a tab and a line break allowed as well."""


def _refused(text: str, index: int, allowed: set[str]) -> bool:
    char = text[index]
    if char in allowed:
        return False
    category = unicodedata.category(char)
    if category in ("Cc", "Zl", "Zp"):
        return True
    if category != "Cf":
        return False
    if char in JOINERS:
        before = text[index - 1] if index > 0 else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        return not all(ord(c) > 127 and not c.isspace() and c not in JOINERS for c in (before, after))
    return True


def char_name(char: str) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE``; control characters have no Unicode name, so their code only."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" {name}" if name else " (a control character)")


def check_text(value: str, *, multiline: bool = False) -> str:
    """``value`` unchanged, or a ValueError naming the first refused character and where it is."""
    if value.isascii() and value.isprintable():
        return value  # the common case: nothing to refuse, no per-character lookup
    allowed = MULTILINE_ALLOWED if multiline else set()
    for index in range(len(value)):
        if _refused(value, index, allowed):
            what = "a tab or line break" if value[index] in MULTILINE_ALLOWED else char_name(value[index])
            raise ValueError(
                f"contains {what} at character {index + 1}: text fields cannot hold control characters, "
                "line separators, bidirectional overrides or invisible formatting characters"
                + ("" if multiline else " (this field is one line)")
            )
    return value


def _line(value: str) -> str:
    return check_text(value)


def _multiline(value: str) -> str:
    return check_text(value, multiline=True)


Text = Annotated[
    str,
    StringConstraints(min_length=1, max_length=2000),
    AfterValidator(_multiline),
    WithJsonSchema({"type": "string", "minLength": 1, "maxLength": 2000, "pattern": MULTILINE_PATTERN}),
]
"""Free text of up to 2,000 characters (notes, descriptions, locators); may span lines."""

ShortText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200),
    AfterValidator(_line),
    WithJsonSchema({"type": "string", "minLength": 1, "maxLength": 200, "pattern": LINE_PATTERN}),
]
"""One line of up to 200 characters (names, labels, organisations)."""


_HTTP_URL = re.compile(r"https?://[^\x00-\x20\"<>/?#\x7f]+(?:[/?#][^\x00-\x20\"<>\x7f]*)?")


def check_http_url(value: str) -> str:
    """Accept only absolute http(s) URLs with a host and no whitespace, quotes, '<>', control or
    invisible formatting characters."""
    if not (value.startswith("https://") or value.startswith("http://")):
        raise ValueError("must be an http(s) URL (starting with https:// or http://)")
    if len(value) > 2000:
        raise ValueError("URL longer than 2000 characters")
    if _HTTP_URL.fullmatch(value) is None:
        raise ValueError("must be a well-formed http(s) URL with a host and no spaces, quotes or '<'")
    return check_text(value)


HttpUrl = Annotated[
    str,
    AfterValidator(check_http_url),
    WithJsonSchema(
        {
            "type": "string",
            "format": "uri",
            "pattern": rf'^https?://[^\s"<>{_REFUSED_CLASS}]+$',
            "maxLength": 2000,
        }
    ),
]
"""An absolute http(s) URL kept as the exact string written in the record."""
