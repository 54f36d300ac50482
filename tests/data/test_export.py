"""`densing export` writes every table and a Frictionless datapackage.json whose keys hold."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from densing_cli.main import cli


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet"])
def test_export_round_trip(records_dir: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "export"
    result = CliRunner().invoke(
        cli, ["export", "--format", fmt, "--out", str(out), "--records", str(records_dir)]
    )
    assert result.exit_code == 0, result.output
    package = json.loads((out / "datapackage.json").read_text())
    assert package["$schema"].endswith("/2.0/datapackage.json")
    names = {r["name"]: r for r in package["resources"]}
    assert set(names) == {"models", "scores", "references", "benchmarks", "rulers"}
    read = {"csv": pd.read_csv, "json": pd.read_json, "parquet": pd.read_parquet}[fmt]
    tables = {name: read(out / names[name]["path"]) for name in names if name != "references"}
    scores = tables["scores"]
    assert len(scores) == 3
    assert [f["name"] for f in names["scores"]["schema"]["fields"]] == list(scores.columns)
    assert scores["id"].is_unique
    for key in names["scores"]["schema"]["foreignKeys"]:
        target = tables[key["reference"]["resource"]]
        assert scores[key["fields"][0]].isin(target["id"]).all()
    dates = tables["models"]["release_date"].astype(str)
    assert dates.str.match(r"^\d{4}-\d{2}-\d{2}").all()


def test_export_is_deterministic(records_dir: Path, tmp_path: Path) -> None:
    for name in ("a", "b"):
        CliRunner().invoke(cli, ["export", "--out", str(tmp_path / name), "--records", str(records_dir)])
    for path in (tmp_path / "a").iterdir():
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes()
