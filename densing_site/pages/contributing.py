"""The contributing page: CONTRIBUTING.md (if present) and the record schema, from the JSON Schemas."""

from __future__ import annotations

import json
from typing import Any

from densing_data.paths import JSON_SCHEMA_DIR
from densing_site.inputs.repo_docs import read_repo_doc
from densing_site.render import PageWriter
from densing_site.sitedata import SiteData

PAGE = "contributing.md"
KINDS = ("model", "score", "benchmark", "ruler", "reference")


def _type_of(spec: dict[str, Any]) -> str:
    if "$ref" in spec:
        return spec["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in spec:
        return " or ".join(_type_of(s) for s in spec["anyOf"] if s.get("type") != "null") + " (optional)"
    if spec.get("type") == "array":
        return f"list of {_type_of(spec.get('items', {}))}"
    if "enum" in spec:
        return "one of " + ", ".join(str(v) for v in spec["enum"])
    return str(spec.get("format") or spec.get("type") or "")


def schema_tables() -> list[dict[str, Any]]:
    """For each record kind: its fields (name, type, required, description) and nested objects."""
    tables = []
    for kind in KINDS:
        path = JSON_SCHEMA_DIR / f"{kind}.schema.json"
        if not path.is_file():
            continue
        schema = json.loads(path.read_text(encoding="utf-8"))
        objects = [(kind, schema), *sorted((schema.get("$defs") or {}).items())]
        tables.append(
            {
                "kind": kind,
                "file": path.name,
                "objects": [
                    {
                        "name": name,
                        "description": obj.get("description", ""),
                        "fields": [
                            {
                                "name": field,
                                "type": _type_of(spec),
                                "required": field in obj.get("required", []),
                                "description": spec.get("description", ""),
                            }
                            for field, spec in obj.get("properties", {}).items()
                        ],
                    }
                    for name, obj in objects
                    if obj.get("properties")
                ],
            }
        )
    return tables


def write_contributing(writer: PageWriter, data: SiteData) -> None:
    """Write the contributing page."""
    writer.render_page(
        PAGE,
        "contributing.md.j2",
        title="Contributing",
        context={
            "guide": read_repo_doc(data.repo_root, "CONTRIBUTING.md", PAGE, data.links, drop_title=True),
            "schemas": schema_tables(),
        },
    )
