"""Bridges from another benchmark id (the same task under another formulation), a track's own D0
for its two-step ruler, and the ``imprecise`` flag that keeps near-useless readings out of the trend."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from densing_data import load
from densing_data.store import append_records
from densing_fit import FitOptions, Track, fit_all
from densing_fit.options import PAPER_D0_TOKENS, track_d0_tokens
from densing_fit.reading.bridges import BridgeSpec
from densing_fit.reading.density import COLUMNS, IMPRECISE, IMPRECISE_SPREAD
from densing_fit.reading.table import densities_table
from tests.fit.synthetic import BENCHMARKS, World, benchmark_record, score_record, true_score

FAST = FitOptions(n_resamples=200, sensitivity=False)
RULER = "synthetic-direct"
VARIANT = "mmlu-variant"
"""MMLU under another formulation: its own benchmark id, scores = 0.9 · MMLU + 3 + noise."""


def _variant(value: float, noise: float) -> float:
    return 0.9 * value + 3.0 + noise


@pytest.fixture(scope="module")
def variant_world(world_dir: tuple[Path, World], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic world plus MMLU-variant scores (another protocol and benchmark id) of every
    target; the first five targets lose their own MMLU score, so they can be read only through
    the bridge."""
    root = tmp_path_factory.mktemp("variant") / "records"
    shutil.copytree(world_dir[0], root)
    world = world_dir[1]
    append_records(
        "benchmark", [benchmark_record("mmlu") | {"id": VARIANT, "name": "MMLU variant"}], records_dir=root
    )
    models = load(root).models.set_index("id")
    rng = np.random.default_rng(5)
    scores = []
    for model in world.targets:
        size = world.densities[model] * float(models.at[model, "params_total"])
        record = score_record(
            model, "mmlu", _variant(true_score("mmlu", size), rng.normal(0, 0.5)), "harness-v"
        )
        scores.append(record | {"benchmark": VARIANT, "id": f"{model}.{VARIANT}.harness-v"})
    append_records("score", scores, records_dir=root)
    return root


def _track(bridges: tuple[BridgeSpec, ...], **extra: object) -> Track:
    return Track(
        id="t",
        label="T",
        ruler=RULER,
        protocol="the synthetic harness",
        description="d",
        protocol_family="synthetic",
        bridges=bridges,
        **extra,
    )


def test_a_bridge_converts_scores_recorded_under_another_benchmark(variant_world: Path) -> None:
    ds = load(variant_world)
    targets = sorted(ds.scores.loc[ds.scores["benchmark"] == VARIANT, "model"])
    dropped = set(targets[:5])
    keep = ~((ds.scores["benchmark"] == "mmlu") & ds.scores["model"].isin(dropped))
    ds = dataclasses.replace(ds, scores=ds.scores[keep].reset_index(drop=True))
    spec = BridgeSpec("mmlu", "harness-v", "same task, other formulation", source_benchmark=VARIANT)
    result = fit_all(ds, FAST, tracks=(_track((spec,)),), track_id="t")
    track = result.tracks[0]
    (bridge,) = track.bridges
    assert bridge["error"] is None and bridge["source_benchmark"] == VARIANT
    # variant = 0.9 · mmlu + 3: the line back has slope 1/0.9, fitted on the targets with both
    assert bridge["slope"] == pytest.approx(1 / 0.9, rel=0.05)
    assert bridge["n_pairs"] == len(targets) - len(dropped)
    per = track.per_benchmark.set_index(["model", "benchmark"])
    for model in dropped:
        row = per.loc[(model, "mmlu")]
        assert row["status"] == "bridged" and row["score_id"].endswith(f"{VARIANT}.harness-v")
    # a model with its own MMLU score keeps it
    assert per.loc[(targets[-1], "mmlu"), "status"] == ""
    described = track.summary()["bridges"][0]
    assert described["source_benchmark"] == VARIANT


def test_without_a_source_benchmark_a_bridge_reads_the_same_benchmark() -> None:
    assert BridgeSpec("mmlu", "x").from_benchmark == "mmlu"
    assert BridgeSpec("mmlu-rc", "x", source_benchmark="mmlu").from_benchmark == "mmlu"


def test_a_track_reads_its_two_step_ruler_at_its_own_d0(world: tuple) -> None:
    ds, _ = world
    base = Track(id="one", label="1", ruler="synthetic-two-step", protocol="p", description="d")
    later = dataclasses.replace(base, id="five", d0_tokens=5e12)
    result = fit_all(ds, FAST, tracks=(base, later), track_id="one")
    by_id = {t.track.id: t for t in result.tracks}
    assert by_id["one"].trend["options"]["d0_tokens"] == PAPER_D0_TOKENS
    assert by_id["five"].trend["options"]["d0_tokens"] == 5e12
    one = by_id["one"].densities.set_index("model")["effective_params"].dropna()
    five = by_id["five"].densities.set_index("model")["effective_params"].dropna()
    common = one.index.intersection(five.index)
    assert len(common) >= 10
    # a reference family trained on more tokens reaches a score with fewer parameters
    assert (five[common] < one[common]).all()
    # the fit option overrides every track's own D0
    assert track_d0_tokens(FitOptions(d0_tokens=2e12), later) == 2e12
    assert track_d0_tokens(FitOptions(), later) == 5e12
    assert track_d0_tokens(FitOptions(), base) == PAPER_D0_TOKENS


def _per_bench(model: str, se_log: float) -> pd.DataFrame:
    """Three exact readings of ``model`` at 1e9 parameters, each with standard error ``se_log``."""
    rows = [
        {
            "model": model,
            "benchmark": bench,
            "score": 50.0,
            "score_id": f"{model}.{bench}",
            "protocol": "synthetic",
            "effective_params": 1e9,
            "se_log": se_log,
            "flag": "",
            "status": "",
            "used": True,
            "shots_unstated": False,
        }
        for bench in list(BENCHMARKS)[:3]
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


@pytest.mark.parametrize(("se_log", "imprecise"), [(3.0, True), (0.5, False)])
def test_a_reading_with_a_very_wide_interval_is_kept_out_of_the_trend(
    world: tuple, se_log: float, imprecise: bool
) -> None:
    ds, _ = world
    model = str(ds.models.loc[ds.models["kind"] == "base", "id"].iloc[0])
    bench_set = tuple(BENCHMARKS)[:3]
    table = densities_table(ds, _per_bench(model, se_log), tuple(BENCHMARKS), bench_set, 2, "t")
    row = table.set_index("model").loc[model]
    spread = row["density_high"] / row["density_low"]
    assert bool(spread > IMPRECISE_SPREAD) is imprecise
    assert (IMPRECISE in row["flags"].split(";")) is imprecise
    assert bool(row["in_trend"]) is not imprecise and bool(row["citable"]) is not imprecise
