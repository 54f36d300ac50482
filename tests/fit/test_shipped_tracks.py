"""The tracks on the shipped records: what issue 10 asks of the uniform-harness track, and that no
track's trend uses a score of another protocol."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from densing_data import load
from densing_fit import FitResult, fit_all

PROTOCOL_FLAGS = {"protocol_mismatch", "protocol_unstated"}


@pytest.fixture(scope="module")
def shipped() -> FitResult:
    return fit_all(load(), n_resamples=200, sensitivity=False)


def _track(result: FitResult, track_id: str):
    return next(t for t in result.tracks if t.track.id == track_id)


def test_the_default_track_is_the_papers_settings_and_says_why(shipped: FitResult) -> None:
    assert shipped.default_track == shipped.track_id == "paper-settings"
    assert "paper" in shipped.default_reason
    assert [t.track.id for t in shipped.tracks] == [
        "paper-settings",
        "frontier",
        "uniform-harness",
        "loss-based",
    ]


def test_the_uniform_harness_reaches_before_chatgpt_with_one_protocol(shipped: FitResult) -> None:
    track = _track(shipped, "uniform-harness")
    trend = track.densities[track.densities["in_trend"]]
    assert len(trend) >= 40
    assert not any(set(f.split(";")) & (PROTOCOL_FLAGS | {"protocol_left_out"}) for f in trend["flags"])
    assert set(track.per_benchmark["protocol"]) == {"obsscaling"}
    assert min(trend["release_date"]) < dt.date(2022, 11, 30)
    before = track.trend["cut"]["before"]
    assert before["n_models"] >= 8
    every = before["all_models"]
    assert every["error"] is None and None not in every["slope_per_day_ci"]


def test_no_trend_uses_a_refused_score_or_a_bound(shipped: FitResult) -> None:
    for track in shipped.tracks:
        used = track.per_benchmark[track.per_benchmark["used"]]
        assert set(used["status"]) <= {"", "bridged"}, track.track.id
        trend = track.densities[track.densities["in_trend"]]
        bounds = PROTOCOL_FLAGS | {"below_ruler", "above_ruler", "imprecise"}
        assert not any(set(f.split(";")) & bounds for f in trend["flags"]), track.track.id


def test_the_loss_based_track_reads_published_models_with_its_own_trend(shipped: FitResult) -> None:
    track = _track(shipped, "loss-based")
    assert track.track.d0_tokens == 5e12 and track.trend["options"]["d0_tokens"] == 5e12
    assert track.densities["effective_params"].notna().sum() >= 30
    trend = track.densities[track.densities["in_trend"]]
    assert len(trend) >= 30
    assert track.trend["error"] is None and None not in track.trend["doubling_days_ci"]
    bridges = {b["benchmark"]: b for b in track.bridges}
    assert set(bridges) == {"hellaswag-rc", "arc-challenge-rc"}
    for bridge in bridges.values():
        assert bridge["error"] is None and bridge["n_pairs"] >= 5
        assert bridge["source"] == "obsscaling"
        # the same cloze task: the line is close to the identity, its scatter about a point
        assert abs(bridge["slope"] - 1) < 0.1 and bridge["residual_sd"] < 2
    # OLMES scores are read as they are; only the bridged ones come from the uniform harness
    used = track.per_benchmark[track.per_benchmark["used"]]
    assert set(used.loc[used["status"] == "", "protocol"].map(lambda p: "olmes" in p)) == {True}
    assert set(used.loc[used["status"] == "bridged", "protocol"]) == {"obsscaling"}


def test_the_rulers_own_models_are_read_but_kept_out_of_the_trend(shipped: FitResult) -> None:
    for track_id, members in (
        ("paper-settings", {f"qwen2.5-{s}" for s in ("0.5b", "1.5b", "3b", "7b", "14b", "32b", "72b")}),
        ("frontier", {"qwen2.5-7b", "qwen3-8b-base", "qwen3-14b-base"}),
    ):
        track = _track(shipped, track_id)
        rows = track.densities.set_index("model").loc[sorted(members)]
        assert rows["flags"].str.contains("reference_model").all()
        assert not rows["in_trend"].any() and rows["density"].notna().all()
        added = set(track.trend["with_reference_models"]["added"])
        assert members & added and not (added & set(track.trend["frontier"]))


def test_mixtures_of_experts_have_a_density_per_active_parameter(shipped: FitResult) -> None:
    table = _track(shipped, "paper-settings").densities.set_index("model")
    moe = table[table["params_active"].notna() & table["density"].notna()]
    assert len(moe) >= 5
    ratio = moe["density_active"] / moe["density"]
    assert np.allclose(ratio, moe["params_total"].astype(float) / moe["params_active"].astype(float))
    dense = table[table["params_active"].isna() & table["density"].notna()]
    assert np.allclose(dense["density_active"], dense["density"])
    active = _track(shipped, "paper-settings").trend["active_params"]
    assert active["doubling_days"] and active["line"]


def test_each_track_gives_a_verdict_with_its_window(shipped: FitResult) -> None:
    for track in shipped.tracks:
        verdict = track.trend["verdict"]
        assert verdict["verdict"] in {"holding", "slowed", "faster", "undecided"}
        assert verdict["reason"] and verdict["window"]["end"] >= verdict["window"]["start"]


def test_capability_groups_keep_each_tracks_rules(shipped: FitResult) -> None:
    tracks = {t["track"]: {g["id"]: g for g in t["groups"]} for t in shipped.capabilities["tracks"]}
    assert list(tracks) == ["paper-settings", "frontier", "uniform-harness", "loss-based", "gemma3-settings"]
    # the frontier track's saturated benchmarks stay out of its groups, as out of its aggregate
    assert "mmlu" not in tracks["frontier"]["knowledge"]["benchmarks"]
    assert tracks["frontier"]["knowledge"]["left_out"][0]["benchmark"] == "mmlu"
    # one benchmark of a group reads it; the uniform harness's commonsense group is the track's
    # aggregate set, so it holds every model of the track's trend and finds the same frontier
    assert all(g["min_benchmarks"] == 1 for t in tracks.values() for g in t.values() if g["benchmarks"])
    uniform = _track(shipped, "uniform-harness")
    group = tracks["uniform-harness"]["commonsense"]
    assert group["n_models"] >= int(uniform.densities["in_trend"].sum())
    assert sorted(group["frontier"]["models"]) == sorted(uniform.trend["frontier"])


def test_knowledge_is_read_head_on_and_set_against_ikp(shipped: FitResult) -> None:
    head_on = next(t for t in shipped.capabilities["tracks"] if t["track"] == "gemma3-settings")
    knowledge = next(g for g in head_on["groups"] if g["id"] == "knowledge")
    assert knowledge["benchmarks"] == ["triviaqa"] and knowledge["status"] == "fitted"
    assert knowledge["n_models"] >= 20
    comparisons = shipped.capabilities["knowledge_vs_ikp"]["comparisons"]
    assert comparisons[0]["track"] == "gemma3-settings" and comparisons[0]["fit"] == "size_adjusted"
    check = shipped.capabilities["contamination"]
    assert check["possible"] is False and check["missing"]
