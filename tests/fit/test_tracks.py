"""Tracks: a track reads only its protocol's scores, bridges carry their error, the trend splits at
the cut, tracks are compared, every flag is explained."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from densing_data import load
from densing_data.store import append_record_groups, append_records
from densing_fit import FitOptions, Track, fit_all, write_outputs
from densing_fit.reading.bridges import Bridge, BridgeSpec
from densing_fit.reading.flags import FLAG_EXPLANATIONS
from densing_fit.reading.protocols import protocol_family
from densing_fit.reading.selection import Setting
from densing_fit.reading.track_select import score_status
from tests.fit.synthetic import (
    BENCHMARKS,
    T0,
    World,
    benchmark_record,
    family_records,
    model_record,
    ruler_records,
    score_record,
    true_score,
)

FAST = FitOptions(n_resamples=200, sensitivity=False)
RULER = "synthetic-direct"
MATCHED = Track(id="matched", label="Matched", ruler=RULER, protocol="the ruler's settings", description="d")
FAMILY = Track(
    id="family",
    label="One harness",
    ruler=RULER,
    protocol="the synthetic harness only",
    description="d",
    protocol_family="synthetic",
)
BRIDGED = Track(
    id="bridged",
    label="Harness with a bridge",
    ruler=RULER,
    protocol="the synthetic harness, harness-b bridged",
    description="d",
    protocol_family="synthetic",
    bridges=tuple(BridgeSpec(b, "harness-b", "measured on the targets") for b in BENCHMARKS),
)


def _harness_b(value: float, noise: float) -> float:
    """The other harness: a linear distortion of the synthetic harness's score, plus noise."""
    return 0.8 * value + 5.0 + noise


@pytest.fixture(scope="module")
def tracked(world_dir: tuple[Path, World], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, World]:
    """The synthetic world plus: a model measured only by another lab (other protocol, right shots),
    a model measured only under harness-b, its twin measured directly, and harness-b scores of
    every target (the bridge's calibration pairs)."""
    root = tmp_path_factory.mktemp("tracked") / "records"
    shutil.copytree(world_dir[0], root)
    world = world_dir[1]
    released = T0 + dt.timedelta(days=500)
    models = [model_record(m, 4e9, released) for m in ("other-lab-model", "harness-b-model", "twin-model")]
    rng = np.random.default_rng(3)
    scores = [
        score_record("other-lab-model", b, true_score(b, 6e9), protocol="other-lab") for b in BENCHMARKS
    ]
    scores += [score_record("twin-model", b, true_score(b, 6e9)) for b in BENCHMARKS]
    scores += [
        score_record("harness-b-model", b, _harness_b(true_score(b, 6e9), 0.0), protocol="harness-b")
        for b in BENCHMARKS
    ]
    for model in world.targets:
        size = world.densities[model] * _size(root, model)
        scores += [
            score_record(
                model,
                b,
                _harness_b(true_score(b, size), rng.normal(0, 1.0)),
                protocol="harness-b",
                provenance={"kind": "third_party", "by": "Harness B"},
            )
            for b in BENCHMARKS
        ]
    append_records("model", models, records_dir=root)
    append_records("score", scores, records_dir=root)
    return root, world


def _size(root: Path, model: str) -> float:
    models = load(root).models.set_index("id")
    return float(models.at[model, "params_total"])


@pytest.fixture(scope="module")
def result(tracked: tuple[Path, World]):
    return fit_all(load(tracked[0]), FAST, tracks=(MATCHED, FAMILY, BRIDGED), track_id="matched")


def _table(result, track_id: str) -> pd.DataFrame:
    return next(t for t in result.tracks if t.track.id == track_id).densities.set_index("model")


def test_score_status_refuses_mismatched_and_unstated_scores() -> None:
    setting = Setting(shots=3, cot=True, protocol="ruler-protocol")
    assert score_status(3, True, "lab", setting, MATCHED) == ""
    assert score_status(0, True, "lab", setting, MATCHED) == "protocol_mismatch"
    assert score_status(3, False, "lab", setting, MATCHED) == "protocol_mismatch"
    assert score_status(None, None, "lab", setting, MATCHED) == "protocol_unstated"
    assert score_status(None, None, "ruler-protocol", setting, MATCHED) == ""
    lenient = Track(id="l", label="l", ruler=RULER, protocol="p", description="d", allow_unstated=True)
    assert score_status(None, None, "lab", setting, lenient) == ""
    assert score_status(0, True, "lab", setting, lenient) == "protocol_mismatch"


def test_protocol_families_are_defined_once() -> None:
    assert protocol_family("obsscaling") == "obsscaling"
    assert protocol_family("obsscaling-leaderboard-v2") is None
    for slug in ("olmes", "olmes-olmo2-report", "datadecide-olmes", "olmes_rc"):
        assert protocol_family(slug) == "olmes", slug
    assert protocol_family("qwen2.5-blog") is None and protocol_family("homes") is None


def test_a_track_refuses_a_score_of_another_protocol(result) -> None:
    matched, family = _table(result, "matched"), _table(result, "family")
    assert matched.at["other-lab-model", "density"] == pytest.approx(1.5, rel=1e-3)
    assert np.isnan(family.at["other-lab-model", "density"])
    assert family.at["other-lab-model", "mmlu_score_id"] is np.nan or pd.isna(
        family.at["other-lab-model", "mmlu_score_id"]
    )
    assert family.at["target-001", "mmlu_score_id"] == "target-001.mmlu.synthetic"
    per_bench = next(t for t in result.tracks if t.track.id == "family").per_benchmark
    assert set(per_bench["protocol"]) == {"synthetic"}


def test_a_track_refuses_a_mismatched_score(tracked: tuple[Path, World], tmp_path: Path) -> None:
    root = tmp_path / "records"
    shutil.copytree(tracked[0], root)
    append_records(
        "model", [model_record("zero-shot-model", 4e9, T0 + dt.timedelta(days=500))], records_dir=root
    )
    append_records(
        "score",
        [score_record("zero-shot-model", b, true_score(b, 6e9), shots=0, cot=False) for b in BENCHMARKS],
        records_dir=root,
    )
    fitted = fit_all(load(root), FAST, tracks=(MATCHED,))
    row = _table(fitted, "matched").loc["zero-shot-model"]
    assert np.isnan(row["density"]) and not row["citable"] and pd.isna(row["rank"])
    assert "protocol_left_out" in row["flags"].split(";") and row["bbh_flag"] == "protocol_mismatch"


def test_a_bridge_recovers_the_line_and_its_error_grows_with_the_scatter() -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(20, 80, 40)
    tight = Bridge(BridgeSpec("mmlu", "b")).fit(x, 0.8 * x + 5 + rng.normal(0, 0.5, x.size))
    loose = Bridge(BridgeSpec("mmlu", "b")).fit(x, 0.8 * x + 5 + rng.normal(0, 3.0, x.size))
    assert tight.slope_ == pytest.approx(0.8, abs=0.02) and tight.intercept_ == pytest.approx(5, abs=1.0)
    (value,), (sd_tight,) = tight.convert(50.0)
    assert value == pytest.approx(45.0, abs=0.5)
    assert sd_tight == pytest.approx(0.5, rel=0.3) and loose.convert(50.0)[1][0] > 3 * sd_tight
    with pytest.raises(Exception, match="at least 5"):
        Bridge(BridgeSpec("mmlu", "b")).fit([1, 2, 3], [1, 2, 3])


def test_a_bridged_reading_carries_the_bridge_error_in_its_interval(result) -> None:
    bridged = _table(result, "bridged")
    row, twin = bridged.loc["harness-b-model"], bridged.loc["twin-model"]
    assert "bridged" in row["flags"].split(";") and row["n_benchmarks"] == 5
    assert row["density"] == pytest.approx(1.5, rel=0.15)
    assert row["density_low"] < 1.5 < row["density_high"]
    width = np.log(row["density_high"] / row["density_low"])
    twin_width = np.log(twin["density_high"] / twin["density_low"])
    assert width > 3 * twin_width
    bridges = next(t for t in result.tracks if t.track.id == "bridged").bridges
    assert {b["benchmark"] for b in bridges} == set(BENCHMARKS)
    # harness-b = 0.8 · track + 5 + N(0, 1): the line back has slope 1.25 and scatter about 1.25
    assert all(b["error"] is None and b["n_pairs"] == 30 for b in bridges)
    assert all(b["slope"] == pytest.approx(1.25, rel=0.1) and 0.8 < b["residual_sd"] < 1.8 for b in bridges)
    assert np.isnan(_table(result, "family").at["harness-b-model", "density"])


def _era_world(root: Path, before_days: float, after_days: float, cut: dt.date) -> None:
    """Targets from two years before ``cut`` to two years after, the law's slope changing at the cut."""
    rng = np.random.default_rng(7)
    start = cut - dt.timedelta(days=720)
    slopes = (np.log(2) / before_days, np.log(2) / after_days)
    # the reference family (density 1) is released where the law's maximum reaches 1: on the line
    family_models, scores = family_records(cut + dt.timedelta(days=round(1.0 / slopes[1])))
    models = list(family_models)
    for index in range(60):
        day = int(rng.integers(0, 1440))
        t = day - 720
        ln_rho = slopes[0] * t if t < 0 else slopes[1] * t
        density = float(np.exp(ln_rho - 1.0 - rng.exponential(0.3)))
        size = float(np.exp(rng.uniform(np.log(1e9), np.log(2e10))))
        model_id = f"era-{index:02d}"
        models.append(model_record(model_id, size, start + dt.timedelta(days=day)))
        scores += [score_record(model_id, b, true_score(b, density * size)) for b in BENCHMARKS]
    append_records("benchmark", [benchmark_record(b) for b in BENCHMARKS], records_dir=root)
    append_records("model", models, records_dir=root)
    append_records("score", scores, records_dir=root)
    append_record_groups({"ruler": ruler_records()[:1]}, records_dir=root)


def test_the_trend_is_fitted_before_and_after_the_cut(tmp_path: Path) -> None:
    cut = dt.date(2022, 11, 30)
    _era_world(tmp_path / "records", 300.0, 90.0, cut)
    fitted = fit_all(load(tmp_path / "records"), FAST, tracks=(MATCHED,))
    sides = fitted.trend["cut"]
    before, after = sides["before"], sides["after"]
    assert sides["date"] == "2022-11-30"
    assert before["n_models"] + after["n_models"] == fitted.trend["n_models"]
    assert before["n_models"] >= 8 and after["n_models"] >= 8
    for side, truth in ((before, 300.0), (after, 90.0)):
        low, high = side["doubling_days_ci"]
        # each side recovers its own law (a 90% interval may just miss the truth on one seed)
        assert side["doubling_days"] == pytest.approx(truth, rel=0.2), (side, truth)
        assert low <= side["doubling_days"] <= high
        assert side["all_models"]["n_models"] == side["n_models"]
        assert side["all_models"]["slope_per_day"] > 0
    assert before["doubling_days"] > 1.5 * after["doubling_days"]
    summary = fitted.tracks[0].summary()
    assert summary["before"]["n_models"] == before["n_models"]
    assert summary["after"]["doubling_days"] == after["doubling_days"]


def test_tracks_that_read_alike_agree(result) -> None:
    pair = next(p for p in result.agreement if (p["track_a"], p["track_b"]) == ("matched", "family"))
    matched, family = _table(result, "matched"), _table(result, "family")
    common = sorted(set(matched.index[matched["citable"]]) & set(family.index[family["citable"]]))
    assert pair["n_common"] == len(common) >= 25
    expected = stats.spearmanr(matched.loc[common, "density"], family.loc[common, "density"]).statistic
    assert pair["spearman_rho"] == pytest.approx(expected) and pair["spearman_rho"] == pytest.approx(1.0)
    assert pair["median_density_ratio"] == pytest.approx(1.0) and pair["agree"] is True
    assert "in much the same order" in pair["sentence"] and "agree within" in pair["sentence"]


def test_citable_rows_are_ranked_and_the_rest_are_not(result) -> None:
    table = _table(result, "matched")
    citable = table[table["citable"]].sort_values("rank")
    assert list(citable["rank"]) == list(range(1, len(citable) + 1))
    assert citable["density"].is_monotonic_decreasing
    assert table.loc[~table["citable"], "rank"].isna().all()
    assert all(not (set(f.split(";")) & {"below_ruler", "above_ruler", "not_base"}) for f in citable["flags"])
    trend = next(t for t in result.tracks if t.track.id == "matched").trend
    assert trend["citable_only"]["n_models"] == int((table["citable"] & table["in_trend"]).sum())
    assert trend["citable_only"]["doubling_days"] == pytest.approx(trend["doubling_days"], rel=0.2)


def test_outputs_name_the_tracks_and_explain_every_flag(result, tmp_path: Path) -> None:
    write_outputs(result, tmp_path)
    tracks = json.loads((tmp_path / "tracks.json").read_text())
    assert [t["id"] for t in tracks["tracks"]] == ["matched", "family", "bridged"]
    assert tracks["default"] == "matched" and tracks["default_reason"]
    entry = tracks["tracks"][0]
    assert {"label", "ruler", "protocol", "benchmarks", "n_models", "n_trend", "doubling_days"} <= set(entry)
    assert len(entry["doubling_days_ci"]) == 2 and entry["error"] is None
    assert json.loads((tmp_path / "flags.json").read_text()) == FLAG_EXPLANATIONS
    long = pd.read_csv(tmp_path / "densities_by_track.csv")
    assert list(long.columns[:3]) == ["model", "track", "density"]
    assert set(long.loc[long["model"] == "harness-b-model", "track"]) == {"matched", "bridged"}
    agreement = json.loads((tmp_path / "agreement.json").read_text())
    assert len(agreement["pairs"]) == 3 and all(p["sentence"] for p in agreement["pairs"])
    assert [t["id"] for t in agreement["tracks"]] == ["matched", "family", "bridged"]
    seen = set()
    for track in result.tracks:
        seen |= {f for cell in track.densities["flags"] for f in cell.split(";") if f}
        seen |= {f for cell in track.per_benchmark["flag"] for f in str(cell).split(";") if f}
    assert seen and seen <= set(FLAG_EXPLANATIONS), seen - set(FLAG_EXPLANATIONS)


def _unstated(record: dict) -> dict:
    return {k: v for k, v in record.items() if k not in ("shots", "cot")}


def test_a_model_without_stated_scores_is_read_with_its_unstated_ones_but_not_ranked(
    tracked: tuple[Path, World], tmp_path: Path
) -> None:
    root = tmp_path / "records"
    shutil.copytree(tracked[0], root)
    released = T0 + dt.timedelta(days=500)
    models = [model_record(m, 4e9, released) for m in ("unstated-model", "half-stated-model")]
    scores = [_unstated(score_record("unstated-model", b, true_score(b, 6e9))) for b in BENCHMARKS]
    # the half-stated model has enough stated scores: its unstated one must not touch its reading
    stated, *rest = BENCHMARKS
    scores += [score_record("half-stated-model", b, true_score(b, 6e9)) for b in rest]
    scores += [_unstated(score_record("half-stated-model", stated, true_score(stated, 60e9)))]
    append_records("model", models, records_dir=root)
    append_records("score", scores, records_dir=root)
    fallback = dataclasses.replace(MATCHED, id="fallback", unstated_fallback=True)
    fitted = fit_all(load(root), FAST, tracks=(MATCHED, fallback), track_id="fallback")
    strict, lax = _table(fitted, "matched"), _table(fitted, "fallback")
    assert np.isnan(strict.at["unstated-model", "density"])
    row = lax.loc["unstated-model"]
    assert row["density"] == pytest.approx(6e9 / 4e9, rel=0.05)
    assert "protocol_unstated" in row["flags"].split(";")
    assert not row["citable"] and not row["in_trend"] and pd.isna(row["rank"])
    assert lax.at["half-stated-model", "density"] == strict.at["half-stated-model", "density"]
    assert "protocol_unstated" not in lax.at["half-stated-model", "flags"]
    # everything else reads as on the strict track: same trend, same ranks
    assert lax["rank"].drop("unstated-model").equals(strict["rank"].drop("unstated-model"))
    fallback_trend = next(t for t in fitted.tracks if t.track.id == "fallback").trend
    assert fallback_trend["doubling_days"] == fitted.tracks[0].trend["doubling_days"]
    per_bench = next(t for t in fitted.tracks if t.track.id == "fallback").per_benchmark
    assert (per_bench["model"] == "unstated-model").sum() == len(BENCHMARKS)
