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
