"""Small helpers turning DataFrames into the plain rows templates display."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import pandas as pd

from densing_site.text.formatting import is_missing


def rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``frame`` as dicts, with every missing value (NaN, NA, NaT) as ``None``."""
    out = []
    for row in frame.to_dict("records"):
        out.append({key: (None if _missing(value) else value) for key, value in row.items()})
    return out


def _missing(value: Any) -> bool:
    if isinstance(value, (list, dict)):
        return False
    return is_missing(value)


def group_by(items: Iterable[dict[str, Any]], key: str) -> dict[Any, list[dict[str, Any]]]:
    """``items`` grouped by ``item[key]``, keeping their order."""
    groups: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        groups[item[key]].append(item)
    return dict(groups)


def split_flags(flags: Any) -> list[str]:
    """The ``;``-separated flags of densities.csv as a sorted list."""
    if not flags or is_missing(flags):
        return []
    return sorted({f.strip() for f in str(flags).split(";") if f.strip()})
