"""fit_all and write_outputs on synthetic records with known truth, odd models added."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from densing_data import load
from densing_data.store import append_records
from densing_fit import FitError, FitOptions, FitResult, fit_all, write_outputs
from tests.fit.synthetic import T0, World, model_record, score_record, true_score

FAST = FitOptions(n_resamples=200)
ODD_MODELS = {
    "floor-model": "every score at the benchmark's floor",
    "sparse-model": "only an MMLU score",
    "mismatch-model": "every score 0-shot without CoT, unlike the ruler",
    "chat-model": "an instruct model",
    "pruned-model": "pruned from target-000",
}


def _odd_records(root: Path) -> None:
    released = T0 + dt.timedelta(days=400)
    models = [
        model_record("floor-model", 2e9, released),
        model_record("sparse-model", 2e9, released),
        model_record("mismatch-model", 2e9, released),
        model_record("chat-model", 7e9, released, kind="instruct"),
        model_record(
            "pruned-model",
            1e9,
            released,
            kind="pruned",
            derived_from={"model": "target-000", "method": "pruning + distillation"},
        ),
    ]
    floors = {"mmlu": 25.0, "bbh": 0.0, "math": 0.0, "humaneval": 0.0, "mbpp": 0.0}
    scores = [score_record("floor-model", b, v) for b, v in floors.items()]
    scores.append(score_record("sparse-model", "mmlu", 60.0))
    scores += [score_record("mismatch-model", b, true_score(b, 4e9), shots=0, cot=False) for b in floors]
    scores += [score_record(m, b, true_score(b, 3e9)) for m in ("chat-model", "pruned-model") for b in floors]
    scores.append(
        score_record(
            "target-001",
            "mmlu",
            99.0,
            protocol="other-lab",
            provenance={"kind": "third_party", "by": "Other lab"},
        )
    )
    append_records("model", models, records_dir=root)
    append_records("score", scores, records_dir=root)


@pytest.fixture(scope="module")
def odd_world(world_dir: tuple[Path, World], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, World]:
    root = tmp_path_factory.mktemp("odd") / "records"
    shutil.copytree(world_dir[0], root)
    _odd_records(root)
    return root, world_dir[1]


@pytest.fixture(scope="module")
def result(odd_world: tuple[Path, World]) -> FitResult:
    return fit_all(load(odd_world[0]), FAST)


def _row(result: FitResult, model: str) -> pd.Series:
    return result.densities.set_index("model").loc[model]


def test_densities_of_target_models_match_the_truth(result: FitResult, odd_world: tuple[Path, World]) -> None:
    world = odd_world[1]
    table = result.densities.set_index("model")
    # exact readings: no flag but "extrapolated" (beyond the reference sizes, with the back-tested error)
    exact = [m for m in world.targets if set(table.at[m, "flags"].split(";")) <= {"", "extrapolated"}]
    assert len(exact) >= 25
    for model in exact:
        assert table.at[model, "density"] == pytest.approx(world.densities[model], rel=1e-3)
        assert table.at[model, "density_low"] < table.at[model, "density"] < table.at[model, "density_high"]
        assert table.at[model, "n_benchmarks"] == 5


def test_trend_recovers_the_doubling_time_within_its_interval(result: FitResult) -> None:
    trend = result.trend
    low, high = trend["doubling_days_ci"]
    assert low <= 100.0 <= high
    assert trend["doubling_days"] == pytest.approx(100.0, rel=0.15)
    assert trend["ruler"] == "synthetic-direct"
    assert trend["n_frontier"] == len(trend["frontier"]) >= 5
    assert set(trend["frontier"]) == set(result.densities.loc[result.densities["frontier"], "model"])
    assert trend["cut"]["before"] is None and trend["cut"]["after"]["n_models"] == trend["n_models"]
    assert [p["date"] for p in trend["line"]] == sorted(p["date"] for p in trend["line"])


def test_all_scores_at_the_floor_give_below_ruler_bounds(result: FitResult) -> None:
    row = _row(result, "floor-model")
    assert "below_ruler" in row["flags"].split(";")
    assert np.isfinite(row["effective_params"]) and not row["in_trend"]
    assert all(row[f"{b}_flag"] == "below_ruler" for b in ("mmlu", "bbh", "math", "humaneval", "mbpp"))


def test_missing_benchmarks_are_flagged_and_too_few_give_no_density(result: FitResult) -> None:
    row = _row(result, "sparse-model")
    assert {"missing_benchmarks", "too_few_benchmarks"} <= set(row["flags"].split(";"))
    assert np.isnan(row["effective_params"]) and row["n_benchmarks"] == 1 and not row["in_trend"]
    assert row["mmlu_effective_params"] > 0


def test_protocol_mismatch_is_left_out_unless_asked_for(
    odd_world: tuple[Path, World], result: FitResult
) -> None:
    row = _row(result, "mismatch-model")
    assert "protocol_left_out" in row["flags"] and np.isnan(row["effective_params"])
    assert "protocol_mismatch" not in row["flags"] and not row["citable"]
    assert row["bbh_flag"] == "protocol_mismatch" and np.isnan(row["bbh_effective_params"])
    included = fit_all(load(odd_world[0]), FAST, include_mismatched=True, sensitivity=False)
    row = _row(included, "mismatch-model")
    assert row["bbh_flag"] == "protocol_mismatch" and "protocol_mismatch" in row["flags"]
    assert row["effective_params"] == pytest.approx(4e9, rel=1e-3) and not row["citable"]


def test_developer_report_is_preferred_and_non_base_models_stay_out_of_the_trend(result: FitResult) -> None:
    assert _row(result, "target-001")["mmlu_score_id"] == "target-001.mmlu.synthetic"
    chat = _row(result, "chat-model")
    assert "not_base" in chat["flags"] and not chat["in_trend"] and chat["effective_params"] > 0


def test_compression_compares_with_the_parent(result: FitResult) -> None:
    table = result.compression.set_index("model")
    assert list(table.index) == ["pruned-model"]
    row = table.loc["pruned-model"]
    assert row["parent"] == "target-000"
    assert row["density_ratio"] == pytest.approx(row["density"] / row["parent_density"])


def test_two_step_ruler_predicts_its_held_out_target(result: FitResult) -> None:
    part = result.rulers["synthetic-two-step"]["benchmarks"]["mmlu"]
    held = part["held_out"]
    assert [h["label"] for h in held] == ["s7e+09-d3e+11"]
    assert held[0]["predicted"] == pytest.approx(held[0]["actual"], abs=1.5)
    assert part["steps"]["loss"]["n_points"] == 24 and part["points"][0]["tokens"] > 0


def test_sensitivity_has_a_row_per_ruler_and_benchmark_set(result: FitResult) -> None:
    rows = result.sensitivity[["ruler", "benchmark_set"]].values.tolist()
    direct_sets = ("mmlu", "bbh", "math", "humaneval", "mbpp", "all", "average")
    assert rows == [["synthetic-direct", b] for b in direct_sets] + [
        ["synthetic-two-step", b] for b in ("mmlu", "all", "average")
    ]
    table = result.sensitivity.set_index(["ruler", "benchmark_set"])
    direct = table.loc["synthetic-direct"]
    assert np.allclose(
        direct.loc[list(direct_sets[:-1]), "doubling_days"], result.trend["doubling_days"], rtol=0.05
    )
    assert direct.loc["average", "doubling_days"] == pytest.approx(100.0, rel=0.15)
    assert table.loc[("synthetic-two-step", "average"), "n_models"] > 0


def test_outputs_are_byte_identical_and_free_of_nan(
    result: FitResult, odd_world: tuple[Path, World], tmp_path: Path
) -> None:
    first = write_outputs(result, tmp_path / "a")
    write_outputs(fit_all(load(odd_world[0]), FAST), tmp_path / "b")
    names = sorted(p.relative_to(tmp_path / "a").as_posix() for p in first)
    assert names == [
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
        "tracks.json",
        "tracks/ruler-synthetic-direct/densities.csv",
        "tracks/ruler-synthetic-direct/ruler.json",
        "tracks/ruler-synthetic-direct/trend.json",
        "trend.json",
    ]
    for name in names:
        text = (tmp_path / "a" / name).read_bytes()
        assert text == (tmp_path / "b" / name).read_bytes(), name
        assert b"nan" not in text.lower() and b"inf" not in text.lower().replace(b"info", b""), name
    trend = json.loads((tmp_path / "a" / "trend.json").read_text())
    assert {
        "doubling_days",
        "doubling_days_ci",
        "slope_per_day",
        "r2",
        "n_models",
        "n_frontier",
        "ruler",
        "data_version",
    } <= set(trend)
    header = (tmp_path / "a" / "densities.csv").read_text().splitlines()[0].split(",")
    assert header[:3] == ["model", "name", "family"] and "mbpp_score_id" in header


def test_unknown_ruler_and_no_ruler_are_clear_errors(odd_world: tuple[Path, World], tmp_path: Path) -> None:
    with pytest.raises(FitError, match="unknown ruler 'nope'; the records define: synthetic-direct"):
        fit_all(load(odd_world[0]), FAST, ruler_id="nope")
    empty = tmp_path / "records"
    append_records("model", [model_record("lonely", 1e9, T0)], records_dir=empty)
    with pytest.raises(FitError, match="define no ruler"):
        fit_all(load(empty), FAST)
