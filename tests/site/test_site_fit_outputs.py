"""Reading the fit outputs (docs/dev/fit-outputs.md): the contract and clear errors when it is broken."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from densing_data import load
from densing_site.errors import SiteError
from densing_site.inputs.fit_outputs import DENSITY_COLUMNS, FitOutputError, read_fit_outputs
from tests.site.fit_fixture import write_fixture_fit_outputs
from tests.site.synthetic import BENCHMARKS, write_synthetic_records
from tests.site.tracks_fixture import DEFAULT_TRACK, FLAG_TEXTS, SECOND_TRACK, write_track_outputs


@pytest.fixture(scope="module")
def fixture_fit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fit-contract")
    records = write_synthetic_records(root / "records", 16)
    return write_fixture_fit_outputs(load(records), root / "fit")


def test_reads_every_file_of_the_contract(fixture_fit: Path) -> None:
    fit = read_fit_outputs(fixture_fit)
    assert set(DENSITY_COLUMNS) <= set(fit.densities.columns)
    assert fit.densities["model"].is_monotonic_increasing
    assert fit.densities["frontier"].dtype == bool and fit.densities["frontier"].any()
    assert fit.benchmarks == sorted(BENCHMARKS)  # ruler.json order (its keys are sorted)
    assert fit.aggregate_benchmarks == list(BENCHMARKS)
    assert fit.ruler["ruler"] in fit.rulers
    assert {"benchmark_set", "doubling_days"} <= set(fit.sensitivity.columns)


@pytest.mark.parametrize(
    "name", ["densities.csv", "trend.json", "ruler.json", "rulers.json", "sensitivity.csv", "compression.csv"]
)
def test_missing_file_is_named(fixture_fit: Path, tmp_path: Path, name: str) -> None:
    broken = tmp_path / "fit"
    shutil.copytree(fixture_fit, broken)
    (broken / name).unlink()
    with pytest.raises(FitOutputError, match=name):
        read_fit_outputs(broken)


def test_missing_column_is_named(fixture_fit: Path, tmp_path: Path) -> None:
    broken = tmp_path / "fit"
    shutil.copytree(fixture_fit, broken)
    text = (broken / "densities.csv").read_text().replace("in_trend", "in_trnd", 1)
    (broken / "densities.csv").write_text(text)
    with pytest.raises(FitOutputError, match=r"densities.csv: missing column\(s\) \['in_trend'\]"):
        read_fit_outputs(broken)


def test_invalid_json_and_bad_booleans(fixture_fit: Path, tmp_path: Path) -> None:
    broken = tmp_path / "fit"
    shutil.copytree(fixture_fit, broken)
    (broken / "trend.json").write_text('{"ruler": "x",\n "benchmarks": [}')
    with pytest.raises(FitOutputError, match=r"trend.json:2: invalid JSON"):
        read_fit_outputs(broken)
    (broken / "trend.json").write_text(json.dumps({"ruler": "x", "benchmarks": []}))
    lines = (broken / "densities.csv").read_text().splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index("frontier")] = "maybe"
    (broken / "densities.csv").write_text("\n".join([lines[0], ",".join(row), *lines[2:]]) + "\n")
    with pytest.raises(FitOutputError, match=r"column frontier: expected true or false, got 'maybe'"):
        read_fit_outputs(broken)


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(FitOutputError, match="does not exist"):
        read_fit_outputs(tmp_path / "nowhere")


def test_without_tracks_json_one_track_with_derived_citable_and_rank(fixture_fit: Path) -> None:
    fit = read_fit_outputs(fixture_fit)  # the fixture writes no tracks.json: an older fitter
    assert len(fit.tracks) == 1 and fit.default_track == fit.tracks[0].id
    frame = fit.track().densities
    citable = frame[frame["citable"]]
    assert len(citable) and (citable["kind"] == "base").all()
    assert not citable["flags"].str.contains("below_ruler|above_ruler|protocol_mismatch").any()
    assert citable["density_low"].notna().all()
    ranks = citable.sort_values("density", ascending=False)["rank"].tolist()
    assert ranks == list(range(1, len(ranks) + 1))
    assert frame.loc[~frame["citable"], "rank"].isna().all()
    assert fit.flag_texts == {} and "no explanation" in fit.flag_text("below_ruler")
    assert fit.agreement is None


def test_reads_tracks_flags_and_agreement(fixture_fit: Path, tmp_path: Path) -> None:
    fit_dir = write_track_outputs(shutil.copytree(fixture_fit, tmp_path / "fit"))
    fit = read_fit_outputs(fit_dir)
    assert [t.id for t in fit.tracks] == [DEFAULT_TRACK, SECOND_TRACK]
    assert fit.default_track == DEFAULT_TRACK and fit.default_reason
    second = fit.track(SECOND_TRACK)
    assert second.label == "Uniform harness" and len(second.densities) < len(fit.densities)
    assert second.densities["citable"].dtype == bool
    assert fit.flag_text("above_ruler") == FLAG_TEXTS["above_ruler"]
    assert fit.agreement["pairs"][0]["track_b"] == SECOND_TRACK


def test_a_default_track_that_does_not_exist_is_named(fixture_fit: Path, tmp_path: Path) -> None:
    fit_dir = write_track_outputs(shutil.copytree(fixture_fit, tmp_path / "fit"))
    index = json.loads((fit_dir / "tracks.json").read_text())
    (fit_dir / "tracks.json").write_text(json.dumps(index | {"default": "nope"}))
    with pytest.raises(SiteError, match=r"tracks\.json: default track 'nope'"):
        read_fit_outputs(fit_dir)
    (fit_dir / "flags.json").write_text('{"below_ruler": 3}')
    (fit_dir / "tracks.json").write_text(json.dumps(index))
    with pytest.raises(SiteError, match=r"flags\.json"):
        read_fit_outputs(fit_dir)


def test_an_empty_csv_is_named_not_raised(fixture_fit: Path, tmp_path: Path) -> None:
    broken = tmp_path / "fit"
    shutil.copytree(fixture_fit, broken)
    (broken / "sensitivity.csv").write_text("")
    with pytest.raises(FitOutputError, match=r"sensitivity.csv: empty file; expected a header line"):
        read_fit_outputs(broken)


def test_a_header_only_sensitivity_table_reads_as_not_computed(fixture_fit: Path, tmp_path: Path) -> None:
    trimmed = tmp_path / "fit"
    shutil.copytree(fixture_fit, trimmed)
    header = (trimmed / "sensitivity.csv").read_text().splitlines()[0]
    (trimmed / "sensitivity.csv").write_text(header + "\n")
    assert read_fit_outputs(trimmed).sensitivity.empty
