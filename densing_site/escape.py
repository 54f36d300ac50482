"""Escaping for every context where record text reaches a page: HTML, Markdown, JSON, links, titles.

Record text (model names, notes, URLs, labels) is untrusted. The generator puts it into pages only
through these functions or through jinja2 with autoescape on; the tests feed them hostile input.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup, escape

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~:$^=])")
_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def html_text(value: Any) -> Markup:
    """``value`` as HTML text: ``< > & " '`` become entities."""
    return escape("" if value is None else str(value))


def safe_url(url: Any) -> str | None:
    """``url`` when it is an absolute http(s) URL with a host and nothing that could break out of an
    attribute; ``None`` for anything else (``javascript:``, ``data:``, relative, malformed)."""
    if not isinstance(url, str) or len(url) > 2000:
        return None
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if not url.lower().startswith(("http://", "https://")):
        return None
    return url


_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"'`]+")
_URL_TRAILING = ".,;:!?"


def record_text(value: Any) -> Markup:
    """Record text as HTML: escaped, with every http(s) address in it a link (``record-url``, which
    the stylesheet lets break anywhere, so a long address never widens its table column). Trailing
    sentence punctuation, and a closing bracket the address did not open, stay outside the link."""
    text = "" if value is None else str(value)
    parts: list[Markup] = []
    last = 0
    for match in _URL_IN_TEXT.finditer(text):
        url = _trim_url(match.group(0))
        parts += [html_text(text[last : match.start()]), external_link(url, css_class="record-url")]
        last = match.start() + len(url)
    parts.append(html_text(text[last:]))
    return Markup("").join(parts)


def _trim_url(url: str) -> str:
    """``url`` without the punctuation that ends the sentence around it."""
    while url and (url[-1] in _URL_TRAILING or _unopened(url, url[-1])):
        url = url[:-1]
    return url


def _unopened(url: str, last: str) -> bool:
    """Whether ``last`` is a closing bracket that ``url`` has more of than of its opening one."""
    pairs = {")": "(", "]": "["}
    return last in pairs and url.count(last) > url.count(pairs[last])


_ID_SEPARATORS = re.compile(r"([.\-/:])")


def breakable_id(value: Any) -> Markup:
    """An identifier or path as HTML, escaped, with a line-break opportunity (``<wbr>``) after each
    ``.``, ``-``, ``/`` and ``:``: a long record id wraps between its parts instead of widening its
    table column, and never inside a part."""
    pieces = _ID_SEPARATORS.split("" if value is None else str(value))
    return Markup("").join(html_text(p) + (Markup("<wbr>") if i % 2 else "") for i, p in enumerate(pieces))


def external_link(url: Any, text: Any = None, title: Any = None, css_class: str | None = None) -> Markup:
    """An ``<a>`` to ``url`` when it is http(s), else the escaped text alone (never a link);
    ``title`` (escaped) becomes its hover text, ``css_class`` its class."""
    label = html_text(url if text is None else text)
    href = safe_url(url)
    if href is None:
        return label
    attributes = Markup(' class="{}"').format(css_class) if css_class else Markup("")
    attributes += Markup(' href="{}" rel="nofollow noopener noreferrer"').format(href)
    if title:
        attributes += Markup(' title="{}"').format(" ".join(str(title).split()))
    return Markup("<a{}>{}</a>").format(attributes, label)


def markdown_text(value: Any) -> str:
    """``value`` as inert Markdown inline text: one line, Markdown punctuation backslash-escaped,
    HTML special characters as entities, so no link, image, emphasis or raw HTML can form."""
    text = " ".join(("" if value is None else str(value)).split())
    return str(escape(_MARKDOWN_SPECIALS.sub(r"\\\1", text)))


def json_for_html(data: Any) -> Markup:
    """``data`` as JSON that can sit inside ``<script type="application/json">`` or an attribute:
    ``< > &`` and the JavaScript line separators are written as ``\\uXXXX`` escapes."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, replacement in _JSON_ESCAPES.items():
        text = text.replace(char, replacement)
    return Markup(text)


def safe_title(text: Any, fallback: str) -> str:
    """A page title for mkdocs, whose theme prints titles unescaped: ``text`` on one line (at most 120
    characters) with HTML's special characters as entities, so ``Data & citation`` and any model
    name read as written and no markup can form; ``fallback`` (escaped too) when ``text`` is empty."""
    line = " ".join(("" if text is None or not isinstance(text, str) else text).split())[:120]
    return str(escape(line or " ".join(str(fallback).split())))
