"""Reading the fitter's output files, one way for every reader: each problem names the file (and
the line, for JSON) in the error class of the reader that asked."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from densing_site.errors import SiteError

CONTRACT = "docs/dev/fit-outputs.md"
"""Where the files' contract is written."""


def read_json(path: Path, error: type[SiteError]) -> Any:
    """A JSON file, or ``error`` naming the file and line of invalid JSON."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise error(f"{path}:{err.lineno}: invalid JSON: {err.msg}") from None


def read_json_object(path: Path, required: tuple[str, ...], error: type[SiteError]) -> dict[str, Any]:
    """A JSON file holding an object with every key of ``required``, or ``error`` saying what is not so."""
    data = read_json(path, error)
    if not isinstance(data, dict):
        raise error(f"{path}: expected a JSON object, got {type(data).__name__}")
    missing = [k for k in required if k not in data]
    if missing:
        raise error(f"{path}: missing key(s) {missing} (see {CONTRACT})")
    return data


def read_csv_table(
    path: Path, required: tuple[str, ...], error: type[SiteError], is_text: Callable[[str], bool]
) -> pd.DataFrame:
    """A CSV file with every column of ``required`` (those ``is_text`` names read as text, empty cells
    missing), or ``error`` saying what is not so."""
    try:
        header = pd.read_csv(path, nrows=0).columns
    except pd.errors.EmptyDataError:
        raise error(f"{path}: empty file; expected a header line with {list(required)}") from None
    except (ValueError, pd.errors.ParserError) as err:
        raise error(f"{path}: cannot be read as CSV: {err}") from None
    dtypes = {c: "string" for c in header if is_text(c)}
    try:
        frame = pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values=[""])
    except (ValueError, pd.errors.ParserError) as err:
        raise error(f"{path}: cannot be read as CSV: {err}") from None
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise error(f"{path}: missing column(s) {missing}; expected {list(required)}")
    return frame
