"""``densing density``: the numbers `densing fit` writes for a recorded model, from its scores given as
flags, a YAML or JSON file or the recorded model itself; words that say what each number is; clean
errors naming the input."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from densing_cli.main import cli
from densing_data import load
from densing_fit.calculator.presets import benchmarks_read, recorded_input
from tests.fit.synthetic import World

NUMBERS = ("density", "density_low", "density_high", "effective_params", "density_active")


def _density(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["density", *args])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def fit_csv(
    world_dir: tuple[Path, World], tmp_path_factory: pytest.TempPathFactory
) -> dict[tuple[str, str], dict]:
    """densities_by_track.csv of `densing fit` on the synthetic world, by (model, track)."""
    out = tmp_path_factory.mktemp("fit")
    result = CliRunner().invoke(
        cli, ["fit", "--records", str(world_dir[0]), "--out", str(out), "--no-sensitivity"]
    )
    assert result.exit_code == 0, result.output
    with (out / "densities_by_track.csv").open(encoding="utf-8") as handle:
        return {(r["model"], r["track"]): r for r in csv.DictReader(handle)}


def _same_as_csv(track: dict, row: dict) -> None:
    """Every number as densing fit printed it (%.6g), the flags, the rank."""
    for key in NUMBERS:
        assert "%.6g" % track[key] == row[key], (key, track[key], row[key])  # noqa: UP031
    assert ";".join(track["flags"]) == row["flags"]
    assert str(track["rank"] or "") == row["rank"] and track["citable"] == (row["citable"] == "true")


@pytest.mark.parametrize("model", ["target-003", "target-017", "ref-7b"])
def test_a_recorded_model_gives_the_fit_numbers(
    world_dir: tuple[Path, World], fit_csv: dict, model: str
) -> None:
    code, output = _density("--records", str(world_dir[0]), "--from-model", model, "--json")
    assert code == 0, output
    document = json.loads(output)
    assert document["input"]["model"] == model and "90% interval" in document["interval"]
    (track,) = document["tracks"]
    _same_as_csv(track, fit_csv[(model, track["track"])])
    if model == "ref-7b":
        assert "reference_model" in track["flags"]


def test_flags_a_file_and_the_recorded_model_agree(world_dir: tuple[Path, World], tmp_path: Path) -> None:
    ds = load(world_dir[0])
    model = recorded_input(ds, "target-005", benchmarks_read(ds))
    specs = [s.spec() for s in model.scores]
    common = ("--records", str(world_dir[0]), "--json", "--as-model", "target-005")
    size = ("--params-total", str(model.params_total), "--release-date", model.release_date.isoformat())
    flags = [arg for spec in specs for arg in ("--score", spec)]
    file = tmp_path / "model.yaml"
    file.write_text(
        yaml.safe_dump(
            {
                "params_total": f"{model.params_total / 1e9}B",
                "release_date": model.release_date.isoformat(),
                "scores": [
                    {
                        "benchmark": s.benchmark,
                        "value": s.value,
                        "shots": s.shots,
                        "cot": s.cot,
                        "protocol": s.protocol,
                    }
                    for s in model.scores
                ],
            }
        ),
        encoding="utf-8",
    )
    outputs = [
        _density(*common, *size, *flags),
        _density(*common, "--scores-file", str(file)),
        _density("--records", str(world_dir[0]), "--json", "--from-model", "target-005"),
    ]
    assert all(code == 0 for code, _ in outputs), outputs
    tracks = [json.loads(out)["tracks"] for _, out in outputs]
    assert tracks[0] == tracks[1] == tracks[2]


def test_text_says_what_each_number_is(world_dir: tuple[Path, World]) -> None:
    code, output = _density(
        "--records", str(world_dir[0]), "--params-total", "7B", "--release-date", "2024-03-01",
        "--score", "mmlu=70:5", "--score", "bbh=60:3:cot", "--score", "math=20:0", "--score", "mbpp=50:3",
    )  # fmt: skip
    assert code == 0, output
    assert "A base model with 7B parameters, released 2024-03-01; rulers fitted on data" in output
    assert "ruler-synthetic-direct" in output and "(90% interval " in output
    assert "would rank" in output and "densing-law line on 2024-03-01" in output
    assert (
        "MATH: 20 (0-shot, CoT not stated): not used: its stated shots or chain-of-thought differ" in output
    )
    assert "HUMANEVAL: no score this track can read" in output
    assert "flag protocol_left_out:" in output and "flag missing_benchmarks:" in output
    code, output = _density(
        "--records", str(world_dir[0]), "--params-total", "7B", "--release-date", "2024-03-01",
        "--score", "mmlu=70:5", "--score", "bbh=60:3:cot",
    )  # fmt: skip
    assert "no density: it needs 3 of its 5 benchmarks, and 2 gave an effective size" in output


SIZE = ("--params-total", "7B", "--release-date", "2024-01-01")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((*SIZE, "--score", "mmlu=abc:5"), "Error: score 'mmlu=abc:5': the score 'abc' is not a number"),
        ((*SIZE, "--score", "mmlu=150"), "outside [0, 100] for mmlu"),
        ((*SIZE, "--score", "gpqa=50"), "benchmark 'gpqa' is not read by any track"),
        (
            ("--params-total", "-7B", "--release-date", "2024-01-01", "--score", "mmlu=50"),
            "total parameters: '-7B' is not a count",
        ),
        (
            ("--params-total", "7B", "--release-date", "2050-01-01", "--score", "mmlu=50"),
            "release date 2050-01-01 is outside",
        ),
        (
            (*SIZE, "--track", "nope", "--score", "mmlu=50"),
            "unknown track(s) nope; the tracks are: ruler-synthetic-direct",
        ),
        ((*SIZE, "--as-model", "nobody", "--score", "mmlu=50"), "--as-model 'nobody' is not a recorded"),
        (("--from-model", "nobody"), "model 'nobody' is not in the records"),
        (("--score", "mmlu=50"), "--params-total and --release-date missing"),
    ],
)  # fmt: skip
def test_bad_input_is_one_clean_message(
    world_dir: tuple[Path, World], args: tuple[str, ...], message: str
) -> None:
    code, output = _density("--records", str(world_dir[0]), *args)
    assert code == 1 and message in output and "Traceback" not in output, output


@pytest.mark.parametrize(
    ("text", "name", "message"),
    [
        (
            "params_total: 7B\nrelease_date: 2024-01-01\nscores: [mmlu=50\n",
            "m.yaml",
            "m.yaml:4: invalid YAML",
        ),
        ('{"params_total": "7B",\n "scores": }', "m.json", "m.json:2: invalid JSON"),
        ("params_total: 7B\nrelease_date: 2024-01-01\nscores:\n- mmlu=50:5:perhaps\n", "m.yaml", "scores[0]"),
        ("params_total: 7B\nscores: []\n", "m.yaml", "release_date is missing"),
    ],
)
def test_a_bad_file_is_named_with_its_line(
    world_dir: tuple[Path, World], tmp_path: Path, text: str, name: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    code, output = _density("--records", str(world_dir[0]), "--scores-file", str(path))
    assert code == 1 and message in output and "Traceback" not in output, output
