"""JSON Schema files of each record kind, generated from the pydantic models.

The files under ``schema/json/`` are published with the package so editors and CI can validate
record files; ``tests/data/test_json_schema.py`` checks they never drift from the models.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from densing_data.paths import JSON_SCHEMA_DIR
from densing_data.schema.records import KIND_FOLDERS, RECORD_MODELS, SCHEMA_VERSION

SCHEMA_URL_BASE = "https://densing-law.github.io/leaderboard/schema"


def file_schema(kind: str) -> dict[str, Any]:
    """JSON Schema of a whole record file of ``kind``: ``{schema_version, records: [...]}``."""
    record = RECORD_MODELS[kind].model_json_schema(mode="validation")
    defs = record.pop("$defs", {})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_URL_BASE}/{kind}.schema.json",
        "title": f"Densing Law {kind} records ({KIND_FOLDERS[kind]}/*.yaml)",
        "type": "object",
        "additionalProperties": False,
        "required": ["schema_version", "records"],
        "properties": {
            "schema_version": {"const": SCHEMA_VERSION},
            "records": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/record"}},
        },
        "$defs": {**defs, "record": record},
    }


def render(kind: str) -> str:
    """The JSON Schema text written for ``kind``."""
    return json.dumps(file_schema(kind), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_all(directory: Path = JSON_SCHEMA_DIR) -> list[Path]:
    """(Re)write every kind's JSON Schema file; return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in RECORD_MODELS:
        path = directory / f"{kind}.schema.json"
        path.write_text(render(kind), encoding="utf-8")
        written.append(path)
    return written
