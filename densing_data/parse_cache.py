"""A content-addressed cache of parsed record files, so loading unchanged records is fast.

Parsing YAML strictly (with line numbers) costs about half a millisecond per record; the cache keeps,
for each file that parsed without any problem, the SHA-256 of its bytes and its records as JSON.
A file whose bytes changed is parsed again. Cached records are re-validated by pydantic's JSON
validator on load, so a damaged cache cannot smuggle in an invalid record; an unreadable cache is
ignored and rewritten. Cross-file rules are always checked afresh.

The cache lives in ``$DENSING_CACHE_DIR`` (default ``~/.cache/densing``); set
``DENSING_CACHE_DIR=off`` to disable it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from densing_data.record_files import ParsedRecord, read_record_file
from densing_data.report import Report
from densing_data.schema.records import RECORD_MODELS
from densing_data.strict_yaml import YamlProblem, read_bounded

CACHE_FORMAT = 1


def cache_dir() -> Path | None:
    """Where caches are kept, or None when caching is off."""
    setting = os.environ.get("DENSING_CACHE_DIR", "")
    if setting.lower() == "off":
        return None
    return Path(setting) if setting else Path.home() / ".cache" / "densing"


class ParseCache:
    """Parsed files of one records directory, keyed by relative path and content hash."""

    def __init__(self, records_dir: Path) -> None:
        self.records_dir = records_dir.resolve()
        directory = cache_dir()
        key = hashlib.sha256(str(self.records_dir).encode()).hexdigest()[:16]
        self.path = directory / f"records-{key}.json" if directory is not None else None
        self._entries = self._read()
        self._dirty = False

    def _read(self) -> dict[str, Any]:
        if self.path is None or not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
            return {}
        entries = data.get("files")
        return entries if isinstance(entries, dict) else {}

    def read(self, path: Path, relative: str, report: Report, shown: str) -> list[ParsedRecord]:
        """Parsed records of ``path`` (``relative`` to the records directory): from the cache when
        its bytes are unchanged, else parsed."""
        try:
            raw = read_bounded(path)
        except (OSError, YamlProblem):
            return read_record_file(path, self.records_dir, report, shown=shown)
        digest = hashlib.sha256(raw).hexdigest()
        entry = self._entries.get(relative)
        if isinstance(entry, dict) and entry.get("sha256") == digest:
            cached = self._from_entry(entry, shown)
            if cached is not None:
                return cached
        errors_before = len(report.problems)
        parsed = read_record_file(path, self.records_dir, report, shown=shown)
        if len(report.problems) == errors_before and self.path is not None:
            self._entries[relative] = {
                "sha256": digest,
                "kind": parsed[0].kind if parsed else None,
                "records": [{"line": p.line, "json": p.record.model_dump_json()} for p in parsed],
            }
            self._dirty = True
        return parsed

    def _from_entry(self, entry: dict[str, Any], shown: str) -> list[ParsedRecord] | None:
        kind = entry.get("kind")
        if kind not in RECORD_MODELS:
            return None
        model = RECORD_MODELS[kind]
        try:
            return [
                ParsedRecord(
                    kind=kind,
                    path=shown,
                    line=int(item["line"]),
                    record=model.model_validate_json(item["json"]),
                )
                for item in entry["records"]
            ]
        except (KeyError, TypeError, ValueError):
            return None

    def forget_missing(self, seen: set[str]) -> None:
        """Drop entries of files that no longer exist."""
        for relative in list(self._entries):
            if relative not in seen:
                del self._entries[relative]
                self._dirty = True

    def save(self) -> None:
        """Write the cache atomically if anything changed; failures to write are ignored."""
        if self.path is None or not self._dirty:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".records-", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"format": CACHE_FORMAT, "files": self._entries}, handle)
            os.replace(tmp, self.path)
        except OSError:
            return
