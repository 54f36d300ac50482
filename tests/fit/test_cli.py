"""``densing fit``: exit codes, the summary it prints, the files it writes, clean user errors."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from densing_cli.main import cli
from densing_data.store import append_records
from tests.fit.synthetic import T0, World, benchmark_record, model_record, score_record


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["fit", *args])
    return result.exit_code, result.output


def test_fit_writes_the_outputs_and_prints_a_summary(world_dir: tuple[Path, World], tmp_path: Path) -> None:
    code, output = _run(
        "--records", str(world_dir[0]), "--out", str(tmp_path), "--resamples", "100", "--no-sensitivity"
    )
    assert code == 0, output
    assert "ruler synthetic-direct (direct)" in output
    assert "densing law (90% CI): doubling time" in output
    assert "before 2022-11-30: no models in the trend" in output
    assert "tracks (default ruler-synthetic-direct, main ruler-synthetic-direct):" in output
    assert "forecast (frontier fit from 2022-11-30" in output and "a forecast, not data" in output
    assert "forecast back-test (" in output and "inside the 90% prediction band" in output
    assert "densing law per capability (doubling days, 90% intervals; capabilities.json):" in output
    assert "    knowledge (mmlu): " in output and "MMLU against MMLU-CF: not compared" in output
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == [
        "agreement.csv",
        "agreement.json",
        "calculator.json",
        "capabilities.csv",
        "capabilities.json",
        "compression.csv",
        "densities.csv",
        "densities_by_track.csv",
        "flags.json",
        "ruler.json",
        "rulers.json",
        "sensitivity.csv",
        "tracks",
        "tracks.json",
        "trend.json",
    ]
    assert sorted(p.name for p in (tmp_path / "tracks" / "ruler-synthetic-direct").iterdir()) == [
        "densities.csv",
        "ruler.json",
        "trend.json",
    ]
    # Sensitivity not computed: the file keeps its header, so a site can still be built from these outputs.
    lines = (tmp_path / "sensitivity.csv").read_text().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ruler,")


def test_main_track_by_ruler_or_by_id(world_dir: tuple[Path, World], tmp_path: Path) -> None:
    common = ("--records", str(world_dir[0]), "--out", str(tmp_path), "--resamples", "50", "--no-sensitivity")
    code, output = _run(*common, "--ruler", "synthetic-two-step")
    assert code == 0, output
    assert "main ruler-synthetic-two-step" in output and "ruler synthetic-two-step (two-step)" in output
    code, output = _run(*common, "--track", "nope")
    assert code == 1 and "unknown track 'nope'; the tracks are: paper-settings" in output
    code, output = _run(*common, "--track", "uniform-harness")
    assert code == 1 and "reads ruler 'qwen1.5-obsscaling', which the records do not define" in output
    code, output = _run(*common, "--track", "paper-settings", "--ruler", "synthetic-direct")
    assert code == 1 and "not both" in output and "Traceback" not in output


def test_unknown_ruler_is_a_clean_error(world_dir: tuple[Path, World], tmp_path: Path) -> None:
    code, output = _run("--records", str(world_dir[0]), "--out", str(tmp_path), "--ruler", "nope")
    assert code == 1, output
    assert "Error: unknown ruler 'nope'" in output and "Traceback" not in output


def test_invalid_records_are_reported_not_raised(tmp_path: Path) -> None:
    records = tmp_path / "records"
    (records / "models").mkdir(parents=True)
    (records / "models" / "bad.yaml").write_text("schema_version: 1\nrecords:\n- id: bad\n")
    code, output = _run("--records", str(records), "--out", str(tmp_path / "out"))
    assert code == 1 and "records are invalid" in output and "Traceback" not in output


def test_a_trend_that_cannot_be_fitted_is_reported_and_files_still_written(tmp_path: Path) -> None:
    records = tmp_path / "records"
    sizes = (5e8, 5e9, 5e10, 1e11, 2e11)
    models = [model_record(f"m{i}", n, T0) for i, n in enumerate(sizes)]
    targets = [model_record(f"t{i}", 1e10, T0) for i in range(4)]  # read on the ruler, all on one date
    append_records("benchmark", [benchmark_record("mmlu")], records_dir=records)
    append_records("model", models + targets, records_dir=records)
    append_records(
        "score",
        [score_record(f"m{i}", "mmlu", 30.0 + 10 * i, protocol="p") for i in range(5)]
        + [score_record(f"t{i}", "mmlu", 45.0 + 5 * i, protocol="p") for i in range(4)],
        records_dir=records,
    )
    append_records(
        "ruler",
        [
            {
                "id": "r",
                "name": "R",
                "kind": "direct",
                "description": "d.",
                "benchmarks": ["mmlu"],
                "default": True,
                "fitted_from_scores": {"protocol": "p", "models": [m["id"] for m in models]},
            }
        ],
        records_dir=records,
    )
    code, output = _run("--records", str(records), "--out", str(tmp_path / "out"), "--resamples", "50")
    assert code == 0, output
    assert "no fit (every model has the same release date" in output
    trend = (tmp_path / "out" / "trend.json").read_text()
    assert '"doubling_days": null' in trend and "NaN" not in trend


def test_a_slope_interval_is_printed_as_a_doubling_or_halving_time() -> None:
    from densing_cli.fit_commands import _rate

    assert _rate(0.003, 0.002, 0.004) == "doubling 231.0 days [173.3, 346.6]"
    assert _rate(-0.0007, -0.0012, -0.0002) == "halving 990.2 days [577.6, 3465.7]"
    assert _rate(0.0001, -0.0004, 0.0005) == (
        "growth not established (interval includes zero), doubling no faster than 1386.3 days"
    )
    assert _rate(-0.0002, -0.0004, 0.0) == "growth not established (interval includes zero), no doubling"
