"""The published JSON Schema files equal what the pydantic models generate, and agree with them."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from densing_data.paths import JSON_SCHEMA_DIR, RECORDS_DIR
from densing_data.schema.json_schema import render
from densing_data.schema.records import KIND_FOLDERS, RECORD_MODELS
from densing_data.strict_yaml import parse_yaml


@pytest.mark.parametrize("kind", sorted(RECORD_MODELS))
def test_published_schema_is_current(kind: str) -> None:
    published = (JSON_SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8")
    assert published == render(kind), (
        f"{kind}.schema.json is stale: run python -c 'from densing_data.schema.json_schema import write_all; "
        "write_all()'"
    )


def _json_ready(value: object) -> object:
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@pytest.mark.parametrize("kind", sorted(RECORD_MODELS))
def test_shipped_records_satisfy_json_schema(kind: str) -> None:
    schema = json.loads((JSON_SCHEMA_DIR / f"{kind}.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    files = sorted((RECORDS_DIR / KIND_FOLDERS[kind]).rglob("*.yaml"))[:200]
    for path in files:
        data = _json_ready(parse_yaml(path.read_bytes()).data)
        errors = list(validator.iter_errors(data))
        assert not errors, f"{path}: {errors[0].message}"


@pytest.mark.parametrize(
    "mutation",
    [
        {"colour": "blue"},
        {"value": 101.0},
        {"shots": -1},
        {"source": {"url": "javascript:alert(1)"}},
        {"id": "Not A Slug"},
    ],
)
def test_json_schema_and_models_refuse_the_same_records(mutation: dict) -> None:
    schema = json.loads((JSON_SCHEMA_DIR / "score.schema.json").read_text())
    record = {
        "id": "m.mmlu",
        "model": "m",
        "benchmark": "mmlu",
        "value": 50.0,
        "protocol": "p",
        "source": {"url": "https://example.org"},
        "provenance": {"kind": "developer"},
        "recorded": "2026-11-23",
    }
    good = {"schema_version": 1, "records": [record]}
    jsonschema.validate(good, schema)
    bad = {"schema_version": 1, "records": [record | mutation]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
    with pytest.raises(ValueError):
        RECORD_MODELS["score"].model_validate(record | mutation)


def test_schema_dir_has_one_file_per_kind() -> None:
    assert sorted(p.name for p in Path(JSON_SCHEMA_DIR).glob("*.json")) == sorted(
        f"{k}.schema.json" for k in RECORD_MODELS
    )
