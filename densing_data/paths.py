"""Where the shipped data lives and which data version it is."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
RECORDS_DIR = PACKAGE_DIR / "records"
"""The shipped records."""
DATA_VERSION_FILE = PACKAGE_DIR / "DATA_VERSION"
"""The one place the data version (CalVer, YYYY.MM.N) is written."""
JSON_SCHEMA_DIR = PACKAGE_DIR / "schema" / "json"


def data_version(path: Path = DATA_VERSION_FILE) -> str:
    """The data version written in ``path``."""
    return path.read_text(encoding="utf-8").strip()
