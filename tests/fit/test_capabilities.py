"""The densing law per capability group: known slopes recovered, groups told apart, a benchmark in
two groups refused, a group below the minimum reported and not fitted, IKP's coefficient converted."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from densing_data import load
from densing_fit import FitResult, fit_all
from densing_fit.capabilities import GROUPS, CapabilityGroup, capabilities_document, check_groups
from densing_fit.capabilities.group_fit import MIN_FRONTIER, MIN_MODELS, fit_group, overlaps
from densing_fit.capabilities.ikp import compare, ikp_reference, to_ln_density_per_day
from densing_fit.capabilities.readings import READING_COLUMNS, GroupReadings
from densing_fit.errors import FitError
from densing_fit.options import FitOptions
from densing_fit.outputs import write_outputs
from tests.fit.capability_world import DOUBLING_DAYS, write_capability_world

SEED = 13
"""A world in which every fit covers its true slope. Over 16 seeds the 90% intervals cover the truth
86% (frontier) and 88% (all models) of the time: ``benchmarks/bench_capabilities.py``."""


@pytest.fixture(scope="module")
def world_fit(tmp_path_factory: pytest.TempPathFactory) -> tuple[FitResult, dict[str, float]]:
    root = tmp_path_factory.mktemp("capability-world") / "records"
    slopes = write_capability_world(root, seed=SEED)
    return fit_all(load(root), n_resamples=500, sensitivity=False, compare_release=False), slopes


def _groups(result: FitResult) -> dict[str, dict]:
    (track,) = result.capabilities["tracks"]
    return {g["id"]: g for g in track["groups"]}


def test_groups_with_known_different_slopes_are_recovered_within_their_intervals(world_fit) -> None:
    result, slopes = world_fit
    groups = _groups(result)
    for group_id, slope in slopes.items():
        group = groups[group_id]
        assert group["status"] == "fitted", group
        for fit in ("frontier", "all_models"):
            low, high = group[fit]["slope_per_day_ci"]
            assert low <= slope <= high, (group_id, fit, low, slope, high)
            assert group[fit]["doubling_days"] == pytest.approx(DOUBLING_DAYS[group_id], rel=0.3)
    assert groups["commonsense"]["status"] == groups["reading"]["status"] == "not_read"


def test_different_slopes_are_told_apart_and_equal_ones_are_not(world_fit) -> None:
    result, _ = world_fit
    (track,) = result.capabilities["tracks"]
    pairs = {(o["fit"], o["a"], o["b"]): o["overlap"] for o in track["overlap"]}
    for fit in ("frontier", "all_models"):
        assert pairs[(fit, "math", "code")] is True  # both double every 80 days
        assert pairs[(fit, "knowledge", "math")] is False  # 400 against 80 days
        assert pairs[(fit, "knowledge", "code")] is False
        assert pairs[(fit, "reasoning", "math")] is False


def test_the_readings_table_matches_the_document(world_fit, tmp_path: Path) -> None:
    result, _ = world_fit
    write_outputs(result, tmp_path)
    document = json.loads((tmp_path / "capabilities.json").read_text(encoding="utf-8"))
    table = pd.read_csv(tmp_path / "capabilities.csv")
    assert list(table.columns) == READING_COLUMNS
    (track,) = document["tracks"]
    for group in track["groups"]:
        rows = table[table["group"] == group["id"]]
        assert int(rows["in_trend"].sum()) == group["n_models"]
        if group["status"] == "fitted":
            assert sorted(rows.loc[rows["frontier"], "model"]) == sorted(group["frontier"]["models"])
            assert group["line"] and group["line"][0]["low"] <= group["line"][0]["density"]
    # the reference family is read but kept out of every group's trend
    refs = table[table["model"].str.startswith("ref-")]
    assert not refs.empty and not refs["in_trend"].any()
    assert refs["flags"].str.contains("reference_model").all()


def test_a_benchmark_in_two_groups_is_refused() -> None:
    first = CapabilityGroup("knowledge", "Knowledge", "", ("mmlu", "triviaqa"), ())
    second = CapabilityGroup("reasoning", "Reasoning", "", ("bbh", "mmlu"), ())
    with pytest.raises(FitError, match=r"benchmark 'mmlu' is in two capability groups, 'knowledge' and"):
        check_groups([first, second])
    with pytest.raises(FitError, match="two capability groups"):
        capabilities_document(None, [], [], FitOptions(), groups=[first, second])  # type: ignore[arg-type]
    with pytest.raises(FitError, match="declared twice"):
        check_groups([first, first])
    with pytest.raises(FitError, match="no benchmarks"):
        check_groups([CapabilityGroup("empty", "Empty", "", (), ())])
    assert check_groups(GROUPS) == GROUPS


def _readings(days: list[int], densities: list[float]) -> GroupReadings:
    group = CapabilityGroup("math", "Math", "", ("math",), ())
    t0 = dt.date(2024, 1, 1)
    rows = [
        dict.fromkeys(READING_COLUMNS)
        | {
            "model": f"m{i:02d}",
            "release_date": t0 + dt.timedelta(days=d),
            "params": 1e9,
            "density": rho,
            "bound": "",
            "in_trend": True,
            "frontier": False,
        }
        for i, (d, rho) in enumerate(zip(days, densities, strict=True))
    ]
    return GroupReadings(group, ("math",), (), 1, pd.DataFrame(rows, columns=READING_COLUMNS))


def test_a_group_below_the_minimum_is_reported_not_fitted() -> None:
    opts = FitOptions(n_resamples=200)
    few = _readings([0, 30, 60, 90, 120], [0.1, 0.2, 0.4, 0.8, 1.6])
    entry, frontier = fit_group(few, opts)
    assert entry["status"] == "too_few" and frontier == []
    assert entry["reason"] == f"too few: 5 models in the trend, at least {MIN_MODELS} needed"
    for fit in ("frontier", "all_models"):
        assert entry[fit]["fitted"] is False and entry[fit]["slope_per_day"] is None
        assert entry[fit]["doubling_days_ci"] == [None, None]
    assert entry["line"] == [] and entry["n_models"] == 5
    # enough models, but only two of them ever set a new maximum: the all-model fit, no frontier fit
    days = list(range(0, 300, 30))
    flat = _readings(days, [0.5, 2.0, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75])
    entry, _ = fit_group(flat, opts)
    assert entry["status"] == "too_few" and entry["frontier"]["fitted"] is False
    assert entry["frontier"]["n_frontier"] == 2 < MIN_FRONTIER
    assert f"at least {MIN_FRONTIER} needed" in entry["reason"]
    assert entry["all_models"]["fitted"] is True and entry["all_models"]["n_models"] == 10
    assert overlaps([entry | {"id": "a"}, entry | {"id": "b"}])[0]["fit"] == "all_models"


def test_ikp_coefficient_is_converted_on_its_own_accuracy_scale() -> None:
    ref = ikp_reference()
    # the densing prediction is the densing law's own doubling (3.5 months) by construction
    assert ref["densing_prediction_slope_per_day"] == pytest.approx(math.log(2) / (3.5 * 30.44))
    assert to_ln_density_per_day(0.0) == 0.0
    assert ref["slope_per_day"] == pytest.approx(-0.0010 / 0.0117 * math.log(2) / (3.5 * 30.44))
    low, high = ref["slope_per_day_ci95"]
    assert low < ref["slope_per_day"] < 0 < high
    inside = {
        "benchmarks": ["triviaqa"],
        "size_adjusted": {"slope_per_day": 0.0, "slope_per_day_ci": [-1e-4, 1e-4]},
    }
    fast = {
        "benchmarks": ["mmlu"],
        "all_models": {"slope_per_day": 0.005, "slope_per_day_ci": [0.004, 0.006]},
    }
    (agree,) = compare("t", inside)
    (disagree,) = compare("t", fast)
    assert agree["agrees_with_ikp"] and not agree["excludes_zero"] and agree["fit"] == "size_adjusted"
    assert not disagree["agrees_with_ikp"] and disagree["excludes_zero"]
    assert "does not overlap" in disagree["sentence"]


def test_fit_without_capabilities_writes_no_capability_files(world_fit, tmp_path: Path) -> None:
    result, _ = world_fit
    assert np.isfinite(result.capabilities["tracks"][0]["groups"][0]["frontier"]["slope_per_day"])
    write_outputs(dataclasses.replace(result, capabilities=None), tmp_path)
    assert not (tmp_path / "capabilities.json").exists()
