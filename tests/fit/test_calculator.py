"""The density calculator's fitter side: a model given by its inputs reads exactly as the fit reads it
when recorded (every model of a synthetic world with refused, unstated, bridged, bound, mixture-of-
experts and derived readings, on direct, two-step, family and bridged tracks), its rank and its place
against the line, the inputs' checks, and calculator.json."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from densing_data import load
from densing_data.store import append_records
from densing_fit import FitOptions, Track, fit_all, write_outputs
from densing_fit.calculator import InputError, read_model
from densing_fit.calculator.inputs import input_from_mapping, model_input, parse_score
from densing_fit.calculator.placing import band_at, line_placement, rank_among
from densing_fit.calculator.presets import benchmarks_read, presets, recorded_input
from densing_fit.reading.bridges import Bridge, BridgeSpec
from densing_fit.tracks import ruler_track
from tests.fit.synthetic import BENCHMARKS, T0, World, model_record, score_record, true_score

FAST = FitOptions(n_resamples=200, sensitivity=False, compare_release=False)
RULER = "synthetic-direct"
MATCHED = Track(
    id="matched",
    label="Matched",
    ruler=RULER,
    protocol="the ruler's settings",
    description="d",
    unstated_fallback=True,
    min_benchmarks=3,
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
TWO_STEP = dataclasses.replace(ruler_track("synthetic-two-step", allow_unstated=False), d0_tokens=3e11)
COLUMNS = [
    "effective_params",
    "effective_params_low",
    "effective_params_high",
    "density",
    "density_low",
    "density_high",
    "density_active",
    "density_active_low",
    "density_active_high",
]


@pytest.fixture(scope="module")
def calc_world(world_dir: tuple[Path, World], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic world plus models that exercise every rule of a track's reading."""
    root = tmp_path_factory.mktemp("calc") / "records"
    shutil.copytree(world_dir[0], root)
    world = world_dir[1]
    released = T0 + dt.timedelta(days=400)
    models = [
        model_record("mismatched", 4e9, released),
        model_record("unstated", 4e9, released),
        model_record("moe", 2e10, released, params_active=int(4e9)),
        model_record("chat", 4e9, released, kind="instruct"),
        model_record("beyond", 4e9, released),
        model_record("harness-b-only", 4e9, released),
    ]
    rng = np.random.default_rng(5)
    scores = [score_record("mismatched", b, true_score(b, 5e9), shots=0) for b in ("bbh", "math")]
    scores += [score_record("mismatched", b, true_score(b, 5e9)) for b in ("mmlu", "humaneval", "mbpp")]
    scores += [score_record("unstated", b, true_score(b, 3e9), shots=None, cot=None) for b in BENCHMARKS]
    scores += [score_record("moe", b, true_score(b, 1.2e10)) for b in BENCHMARKS]
    scores += [score_record("chat", b, true_score(b, 6e9)) for b in BENCHMARKS]
    scores += [score_record("beyond", b, true_score(b, 6e9)) for b in ("mmlu", "bbh", "mbpp")]
    scores += [score_record("beyond", "math", 64.999), score_record("beyond", "humaneval", 0.0)]
    scores += [
        score_record("harness-b-only", b, 0.8 * true_score(b, 6e9) + 5, protocol="harness-b")
        for b in BENCHMARKS
    ]
    for model in world.targets[:20]:  # the bridge's calibration pairs, and a second score to choose from
        size = world.densities[model] * float(
            load(world_dir[0]).models.set_index("id").at[model, "params_total"]
        )
        scores += [
            score_record(
                model,
                b,
                0.8 * true_score(b, size) + 5 + rng.normal(0, 1.0),
                protocol="harness-b",
                provenance={"kind": "third_party", "by": "Harness B"},
            )
            for b in BENCHMARKS
        ]
    append_records("model", models, records_dir=root)
    append_records("score", scores, records_dir=root)
    return root


@pytest.fixture(scope="module")
def fitted(calc_world: Path):
    ds = load(calc_world)
    return ds, fit_all(ds, FAST, tracks=(MATCHED, BRIDGED, TWO_STEP), track_id="matched")


def _close(a: float | None, b: float) -> bool:
    if a is None or b is None or (isinstance(b, float) and math.isnan(b)):
        return a is None and (b is None or math.isnan(b))
    return abs(a - b) <= 1e-12 * abs(b)


def test_every_recorded_model_reads_as_the_fit_reads_it(fitted) -> None:
    ds, result = fitted
    read = benchmarks_read(ds, FAST)
    seen_flags: set[str] = set()
    for model_id in sorted(ds.models["id"]):
        outcomes = {o.track: o for o in read_model(ds, result, recorded_input(ds, model_id, read))}
        for track in result.tracks:
            row = track.densities.set_index("model").loc[model_id]
            got = outcomes[track.track.id]
            for column in COLUMNS:
                assert _close(getattr(got, column), float(row[column])), (model_id, track.track.id, column)
            assert ";".join(got.flags) == row["flags"], (model_id, track.track.id)
            assert got.citable == bool(row["citable"]) and got.in_trend == bool(row["in_trend"])
            for ours, theirs in ((got.rank, row["rank"]), (got.rank_active, row["rank_active"])):
                assert ours == (None if pd.isna(theirs) else int(theirs)), (model_id, track.track.id)
            seen_flags |= set(got.flags)
    # the world exercised what it was built for
    assert {"protocol_left_out", "protocol_unstated", "bridged", "above_ruler", "below_ruler"} <= seen_flags
    assert {"not_base", "missing_benchmarks", "too_few_benchmarks", "reference_model"} <= seen_flags


def test_new_inputs_read_like_a_recorded_twin(fitted) -> None:
    """Scores typed in (no provenance, no ids) give the recorded model's numbers."""
    ds, result = fitted
    maxima = benchmarks_read(ds, FAST)
    twin = recorded_input(ds, "moe", maxima)
    typed = model_input(
        params_total="20B",
        params_active="4B",
        release_date=twin.release_date.isoformat(),
        scores=[parse_score(s.spec(), maxima) for s in twin.scores],
    )
    recorded = {o.track: o for o in read_model(ds, result, twin)}
    for outcome in read_model(ds, result, typed):
        assert outcome.density == recorded[outcome.track].density
        assert outcome.density_active == pytest.approx(5 * outcome.density, rel=1e-12)
        # its recorded twin is among the citable readings it is ranked against
        if outcome.rank is not None:
            assert outcome.n_citable == recorded[outcome.track].n_citable + 1


def test_a_bridged_input_converts_with_the_fit_line(fitted) -> None:
    ds, result = fitted
    maxima = benchmarks_read(ds, FAST)
    bridged = next(
        o
        for o in read_model(ds, result, recorded_input(ds, "harness-b-only", maxima))
        if o.track == "bridged"
    )
    line = next(t for t in result.tracks if t.track.id == "bridged").bridges[0]
    first = bridged.per_benchmark[0]
    assert first.status == "bridged" and first.used
    given = 0.8 * true_score(first.benchmark, 6e9) + 5
    assert first.score == pytest.approx(line["intercept"] + line["slope"] * round(given, 4), rel=1e-12)


def test_bridge_from_summary_converts_as_the_fitted_bridge() -> None:
    rng = np.random.default_rng(1)
    x = rng.uniform(20, 80, 30)
    fitted = Bridge(BridgeSpec("mmlu", "b")).fit(x, 0.9 * x + 2 + rng.normal(0, 1, x.size))
    again = Bridge.from_summary(BridgeSpec("mmlu", "b"), fitted.summary())
    for a, b in zip(fitted.convert([10.0, 50.0, 95.0]), again.convert([10.0, 50.0, 95.0]), strict=True):
        assert np.array_equal(a, b)
    with pytest.raises(Exception, match="x_mean"):
        Bridge.from_summary(BridgeSpec("mmlu", "b"), {"slope": 1.0})


def test_rank_among_counts_denser_readings_and_breaks_ties_by_id() -> None:
    citable = [("a", 2.0), ("b", 1.0), ("c", 1.0), ("d", 0.5)]
    assert rank_among(citable, 3.0, "x") == 1
    assert rank_among(citable, 1.0, "bb") == 3  # a, then b (ties: smaller id first)
    assert rank_among(citable, 0.1, "x") == 5
    assert rank_among(citable, None, "x") is None


def test_line_placement_reads_the_line_and_interpolates_the_band() -> None:
    trend = {
        "slope_per_day": math.log(2) / 100,
        "intercept": 0.0,
        "t0": "2024-01-01",
        "line": [
            {"date": "2024-01-01", "density": 1.0, "low": 0.5, "high": 2.0},
            {"date": "2024-04-10", "density": 2.0, "low": 1.0, "high": 8.0},
        ],
        "line_extension": [{"date": "2024-04-10", "density": 2.0, "low": 9.0, "high": 9.0}],
    }
    mid = line_placement(trend, dt.date(2024, 2, 20), 3.0)
    assert mid is not None and mid.line_density == pytest.approx(2 ** (50 / 100))
    assert mid.band_low == pytest.approx(math.sqrt(0.5 * 1.0)) and mid.band_high == pytest.approx(4.0)
    assert mid.ratio == pytest.approx(3.0 / 2**0.5) and mid.position == "inside"
    assert band_at([], dt.date(2024, 1, 1)) is None
    later = line_placement(trend, dt.date(2025, 1, 1), 1.0)
    assert later is not None and later.band_low is None and later.position == "beyond"
    assert line_placement({"slope_per_day": None}, dt.date(2024, 1, 1), 1.0) is None


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("mmlu", "expected BENCH=VALUE"),
        ("mmlu=abc:5", "'abc' is not a number"),
        ("mmlu=101", r"outside \[0, 100\]"),
        ("mmlu=-1", r"outside \[0, 100\]"),
        ("mmlu=nan", "'nan' is not a number"),
        ("mmlu=1e999", "not a finite number"),
        ("mmlu=0x10", "'0x10' is not a number"),
        ("mmlu=50:five", "shots 'five' is not a count"),
        ("mmlu=50:5:maybe", "'maybe' is not cot, nocot"),
        ("mmlu=50:5:cot@Not A Slug", "is not a slug"),
        ("nosuch=50", "'nosuch' is not read by any track"),
    ],
)
def test_score_specs_are_checked_with_a_clear_message(spec: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_score(spec, {"mmlu": 100.0, "bbh": 100.0})


def test_score_specs_read_back_what_they_write() -> None:
    maxima = {"mmlu": 100.0, "hellaswag": 100.0}
    score = parse_score("hellaswag=80.25:10:?@obsscaling", maxima)
    assert (score.benchmark, score.value, score.shots, score.cot, score.protocol) == (
        "hellaswag",
        80.25,
        10,
        None,
        "obsscaling",
    )
    assert parse_score(score.spec(), maxima) == score
    assert parse_score("mmlu=65", maxima).spec() == "mmlu=65:?:?"
    assert parse_score("mmlu=65.1:5:nocot", maxima).cot is False


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"params_total": "-7B"}, "total parameters: '-7B' is not a count"),
        ({"params_total": "0"}, "not a positive count"),
        ({"params_total": "2000T"}, "above"),
        ({"params_active": "9B"}, "active parameters 9,000,000,000 exceed the total"),
        ({"release_date": "2024-02-30"}, "not a date"),
        ({"release_date": "1999-01-01"}, "outside 2018-01-01 to 2030-12-31"),
        ({"kind": "robot"}, "kind 'robot'"),
        ({"scores": []}, "no scores given"),
    ],
)
def test_model_inputs_are_checked_with_a_clear_message(fields: dict, message: str) -> None:
    base = {
        "params_total": "7B",
        "release_date": "2024-05-01",
        "scores": [parse_score("mmlu=60", {"mmlu": 100})],
    }
    with pytest.raises(InputError, match=message):
        model_input(**(base | fields))


def test_a_file_mapping_names_the_bad_entry() -> None:
    maxima = {"mmlu": 100.0}
    good = input_from_mapping(
        {"params_total": 7_000_000_000, "release_date": dt.date(2024, 5, 1), "scores": ["mmlu=60:5"]},
        maxima,
        "m.yaml",
    )
    assert good.params_total == 7_000_000_000 and good.scores[0].shots == 5
    with pytest.raises(InputError, match=r"m\.yaml: scores\[1\]: .*outside \[0, 100\]"):
        input_from_mapping(
            {
                "params_total": "7B",
                "release_date": "2024-05-01",
                "scores": ["mmlu=60", {"benchmark": "mmlu", "value": 200}],
            },
            maxima,
            "m.yaml",
        )
    with pytest.raises(InputError, match="unknown key"):
        input_from_mapping(
            {"params_total": "7B", "release_date": "2024-05-01", "scores": [], "oops": 1}, maxima, "m"
        )


def test_calculator_json_holds_what_the_page_needs(fitted, tmp_path: Path) -> None:
    ds, result = fitted
    write_outputs(result, tmp_path)
    doc = json.loads((tmp_path / "calculator.json").read_text(encoding="utf-8"))
    assert doc["data_version"] == ds.version and doc["constants"]["z90"] == 1.6448536269514722
    tracks = {t["id"]: t for t in doc["tracks"]}
    assert list(tracks) == ["matched", "bridged", "ruler-synthetic-two-step"]
    matched = result.tracks[0]
    estimator = matched.fitted_ruler.estimators["mmlu"]
    assert tracks["matched"]["estimators"]["mmlu"]["theta"] == estimator.theta_.tolist()  # whole, not rounded
    assert tracks["matched"]["estimators"]["mmlu"]["kind"] == "direct"
    assert tracks["ruler-synthetic-two-step"]["estimators"]["mmlu"]["kind"] == "two-step"
    assert tracks["ruler-synthetic-two-step"]["estimators"]["mmlu"]["d0_tokens"] == 3e11
    assert {b["benchmark"] for b in tracks["bridged"]["bridges"]} == set(BENCHMARKS)
    assert all({"x_mean", "sxx", "n_pairs"} <= set(b) for b in tracks["bridged"]["bridges"])
    citable = matched.densities[matched.densities["citable"]]
    assert len(tracks["matched"]["citable"]) == len(citable)
    assert tracks["matched"]["trend"]["slope_per_day"] == matched.trend["slope_per_day"]
    assert len(tracks["matched"]["trend"]["band"]) >= len(matched.trend["line"])
    again = tmp_path / "again"
    write_outputs(result, again)
    assert (again / "calculator.json").read_bytes() == (tmp_path / "calculator.json").read_bytes()


def test_presets_list_scores_in_the_order_the_fit_prefers(fitted) -> None:
    ds, _ = fitted
    listed = {p["id"]: p for p in presets(ds, benchmarks_read(ds, FAST))}
    target = listed["target-001"]
    # the developer's report (synthetic) before the third party's (harness-b) on each benchmark
    mmlu = [s for s in target["scores"] if s.startswith("mmlu=")]
    assert mmlu[0].endswith("@synthetic") and mmlu[1].endswith("@harness-b")
    assert listed["moe"]["params_active"] == 4_000_000_000 and listed["chat"]["kind"] == "instruct"
