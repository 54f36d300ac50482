"""Keep CITATION.cff and .zenodo.json in step with the data version.

Both files are maintained by hand (authors, keywords, the paper to cite); a release only rewrites
their ``version`` and ``date-released`` / ``publication_date`` values, so nothing else is lost.
"""

from __future__ import annotations

import datetime as dt
import json
import re

_CFF_VERSION = re.compile(r"^version:.*$", re.MULTILINE)
_CFF_DATE = re.compile(r"^date-released:.*$", re.MULTILINE)


class CitationError(ValueError):
    """A citation file the release cannot update (its top-level ``version:`` key is missing)."""


def update_cff(text: str, version: str, date: dt.date) -> str:
    """``CITATION.cff`` text with top-level ``version`` and ``date-released`` set."""
    if not _CFF_VERSION.search(text):
        raise CitationError("CITATION.cff has no top-level 'version:' line to update")
    text = _CFF_VERSION.sub(f'version: "{version}"', text, count=1)
    date_line = f'date-released: "{date.isoformat()}"'
    if _CFF_DATE.search(text):
        return _CFF_DATE.sub(date_line, text, count=1)
    return _CFF_VERSION.sub(lambda m: m.group(0) + "\n" + date_line, text, count=1)


def cff_version(text: str) -> str | None:
    """The top-level ``version`` of a ``CITATION.cff`` text, unquoted."""
    match = _CFF_VERSION.search(text)
    if match is None:
        return None
    return match.group(0).split(":", 1)[1].strip().strip("\"'")


def update_zenodo(text: str, version: str, date: dt.date) -> str:
    """``.zenodo.json`` text with ``version`` and ``publication_date`` set (other keys kept in order)."""
    data = json.loads(text)
    if not isinstance(data, dict):
        raise CitationError(".zenodo.json must hold a JSON object")
    data["version"] = version
    data["publication_date"] = date.isoformat()
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
