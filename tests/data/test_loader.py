"""`densing_data.load()` gives typed DataFrames of current records."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import densing_data
from densing_data.loader import DataError


def test_tables_and_dtypes(records_dir: Path) -> None:
    ds = densing_data.load(records_dir)
    assert list(ds.models["id"]) == ["tiny-1b", "tiny-2b", "tiny-4b"]
    assert ds.models["release_date"].dtype == "datetime64[ns]"
    assert ds.models["params_total"].dtype == "int64"
    assert ds.models["params_active"].dtype == "Int64"
    assert ds.models["release_date"].iloc[0] == pd.Timestamp("2024-01-01")
    assert ds.scores["value"].dtype == "float64"
    assert ds.scores["shots"].dtype == "Int64"
    assert ds.scores["cot"].dtype == "boolean"
    assert ds.scores["source_url"].iloc[0] == "https://example.org/report"
    assert ds.scores["provenance_kind"].iloc[0] == "developer"
    assert ds.scores["recorded"].dtype == "datetime64[ns]"
    assert "reference_model_params" in ds.references.columns
    assert ds.references.empty
    assert ds.rulers["fitted_from_scores_models"].iloc[0] == ["tiny-1b", "tiny-2b", "tiny-4b"]
    assert ds.benchmarks.set_index("id").loc["mmlu", "floor"] == 25.0
    assert ds.table("score") is ds.scores
    assert (ds.scores["line"] > 0).all()


def test_invalid_records_raise_with_report(records_dir: Path) -> None:
    (records_dir / "models" / "tiny-1b.yaml").write_text("schema_version: 1\nrecords:\n- id: 3\n")
    with pytest.raises(DataError) as info:
        densing_data.load(records_dir)
    assert "records/models/tiny-1b.yaml:3:" in str(info.value)


def test_shipped_data_loads_with_a_version() -> None:
    ds = densing_data.load()
    assert ds.version == densing_data.data_version()
    assert len(ds.benchmarks) >= 5
    assert ds.scores["model"].isin(ds.models["id"]).all()


def test_cache_reuses_unchanged_files_and_sees_changes(
    records_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DENSING_CACHE_DIR", str(tmp_path / "cache"))
    first = densing_data.load(records_dir)
    caches = list((tmp_path / "cache").glob("records-*.json"))
    assert len(caches) == 1
    second = densing_data.load(records_dir)
    pd.testing.assert_frame_equal(first.scores, second.scores)
    pd.testing.assert_frame_equal(first.models, second.models)
    path = records_dir / "scores" / "tiny-1b.yaml"
    path.write_text(path.read_text().replace("value: 40.0", "value: 41.0"))
    assert densing_data.load(records_dir).scores.set_index("id").loc["tiny-1b.mmlu", "value"] == 41.0
    path.write_text(path.read_text().replace("value: 41.0", "value: 141.0"))
    with pytest.raises(DataError, match="less than or equal to 100"):
        densing_data.load(records_dir)


def test_damaged_cache_is_ignored(records_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DENSING_CACHE_DIR", str(tmp_path / "cache"))
    densing_data.load(records_dir)
    cache = next((tmp_path / "cache").glob("records-*.json"))
    text = cache.read_text()
    cache.write_text(text.replace('\\"value\\":40.0', '\\"value\\":400.0'))
    assert densing_data.load(records_dir).scores.set_index("id").loc["tiny-1b.mmlu", "value"] == 40.0
    cache.write_text("{not json")
    assert len(densing_data.load(records_dir).scores) == 3
