"""Read one model given by its inputs on every track, through the fit's own code path.

The model becomes a one-model data set (its scores as score records, most preferred first) and each
track reads it with :func:`densing_fit.track_fit.read_track` — the same selection, protocol rules,
unstated fallback, bridges (with the lines the whole data set gave), ruler readings and aggregate as
``densing fit`` — on the ruler the fit already fitted. Then the reading is placed among the track's
citable readings (its rank) and against the track's densing-law line at its release date.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from densing_data.loader import Dataset
from densing_fit.calculator.inputs import ModelInput
from densing_fit.calculator.placing import LinePlacement, line_placement, rank_among
from densing_fit.pipeline import FitResult
from densing_fit.rulers.effective import ABOVE, BELOW
from densing_fit.track_fit import TrackResult, read_track

INPUT_MODEL = "input-model"
"""Model id of inputs that do not start from a recorded model."""
RECORDED = dt.date(2000, 1, 1)
"""``recorded`` date of every input score: equal for all, so the order given breaks ties."""


@dataclass(frozen=True)
class BenchmarkOutcome:
    """One benchmark of a track's set as the track read it."""

    benchmark: str
    """Benchmark id."""
    entry: int | None
    """Index of the input score the track chose (None: no score on this benchmark)."""
    score: float | None
    """The score read (converted by the track's bridge when ``status`` is ``bridged``)."""
    status: str
    """``""`` accepted, ``protocol_mismatch``, ``protocol_unstated`` (refused) or ``bridged``."""
    used: bool
    """True when it gave an effective size to the aggregate."""
    flag: str
    """Its flags (``;``-joined): the status, ``below_ruler``/``above_ruler``, ``chained``,
    ``extrapolated``, ``no_ruler``."""
    effective_params: float | None
    """N̂ from this score (a bound when flagged so); None when not read."""


@dataclass(frozen=True)
class TrackOutcome:
    """The model's reading on one track."""

    track: str
    label: str
    ruler: str
    benchmarks: tuple[str, ...]
    min_benchmarks: int
    effective_params: float | None
    """Aggregate N̂ (None: too few benchmarks); a bound when ``bound`` says so."""
    effective_params_low: float | None
    """90% interval of N̂ (None for a bound)."""
    effective_params_high: float | None
    density: float | None
    density_low: float | None
    density_high: float | None
    density_active: float | None
    density_active_low: float | None
    density_active_high: float | None
    n_benchmarks: int
    flags: tuple[str, ...]
    citable: bool
    in_trend: bool
    rank: int | None
    """Where the reading would rank among the track's citable readings (None: not citable)."""
    rank_active: int | None
    n_citable: int
    """Citable readings of the track (the model's own recorded one left out)."""
    line: LinePlacement | None
    """Against the track's densing-law line at the release date (None: no density or no line)."""
    per_benchmark: tuple[BenchmarkOutcome, ...]

    @property
    def bound(self) -> str | None:
        """``at_least`` (a score above the ruler's reach), ``at_most`` (below it) or None."""
        if ABOVE in self.flags:
            return "at_least"
        if BELOW in self.flags:
            return "at_most"
        return None


def read_model(ds: Dataset, result: FitResult, model: ModelInput) -> tuple[TrackOutcome, ...]:
    """The reading of ``model`` on every track of ``result`` (fitted on ``ds``), in display order."""
    model_id = model.model_id or INPUT_MODEL
    one = dataclasses.replace(ds, models=_model_frame(model, model_id), scores=_score_frame(model, model_id))
    return tuple(_read(one, result, track, model, model_id) for track in result.tracks if track.fitted_ruler)


def _read(
    one: Dataset, result: FitResult, track: TrackResult, model: ModelInput, model_id: str
) -> TrackOutcome:
    fitted = {str(b["benchmark"]): b for b in track.bridges}
    assert track.fitted_ruler is not None
    reading = read_track(one, track.track, track.fitted_ruler, result.options, fitted)
    row = reading.densities.iloc[0]
    citable = track.densities[track.densities["citable"] & (track.densities["model"] != model_id)]
    is_citable = bool(row["citable"])
    density = _value(row["density"])
    return TrackOutcome(
        track=track.track.id,
        label=track.track.label,
        ruler=track.track.ruler,
        benchmarks=reading.benchmarks,
        min_benchmarks=reading.min_benchmarks,
        effective_params=_value(row["effective_params"]),
        effective_params_low=_value(row["effective_params_low"]),
        effective_params_high=_value(row["effective_params_high"]),
        density=density,
        density_low=_value(row["density_low"]),
        density_high=_value(row["density_high"]),
        density_active=_value(row["density_active"]),
        density_active_low=_value(row["density_active_low"]),
        density_active_high=_value(row["density_active_high"]),
        n_benchmarks=int(row["n_benchmarks"]),
        flags=tuple(f for f in str(row["flags"]).split(";") if f),
        citable=is_citable,
        in_trend=bool(row["in_trend"]),
        rank=rank_among(_pairs(citable, "density"), density, model_id) if is_citable else None,
        rank_active=rank_among(_pairs(citable, "density_active"), _value(row["density_active"]), model_id)
        if is_citable
        else None,
        n_citable=len(citable),
        line=None if density is None else line_placement(track.trend, model.release_date, density),
        per_benchmark=_per_benchmark(reading.per_benchmark, reading.benchmarks),
    )


def _pairs(frame: pd.DataFrame, column: str) -> list[tuple[str, float]]:
    return list(zip(frame["model"].astype(str), frame[column].astype(float), strict=True))


def _value(value: Any) -> float | None:
    if value is None or value is pd.NA:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _per_benchmark(per_bench: pd.DataFrame, benchmarks: tuple[str, ...]) -> tuple[BenchmarkOutcome, ...]:
    rows = {str(r["benchmark"]): r for r in per_bench.to_dict("records")}
    out = []
    for bench in benchmarks:
        row = rows.get(bench)
        if row is None:
            out.append(BenchmarkOutcome(bench, None, None, "", False, "", None))
            continue
        out.append(
            BenchmarkOutcome(
                benchmark=bench,
                entry=_entry(str(row["score_id"])),
                score=_value(row["score"]),
                status=str(row["status"] or ""),
                used=bool(row["used"]),
                flag=str(row["flag"] or ""),
                effective_params=_value(row["effective_params"]),
            )
        )
    return tuple(out)


def _entry(score_id: str) -> int | None:
    tail = score_id.rsplit(".", 1)[-1]
    return int(tail[len("input-") :]) if tail.startswith("input-") else None


def _model_frame(model: ModelInput, model_id: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [model_id],
            "name": [model_id],
            "family": [None],
            "organization": [None],
            "kind": [model.kind],
            "hf_repo": [None],
            "release_date": pd.to_datetime([model.release_date]),
            "params_total": pd.Series([model.params_total], dtype="int64"),
            "params_active": pd.Series([model.params_active], dtype="Int64"),
            "derived_from_model": [None],
            "derived_from_method": [None],
        }
    )


def _score_frame(model: ModelInput, model_id: str) -> pd.DataFrame:
    """The inputs as score records: one provenance and recorded date for all, and ids in the order
    given, so that among equally good scores on a benchmark the first given is chosen."""
    scores = model.scores
    return pd.DataFrame(
        {
            "id": [f"{model_id}.input-{i:04d}" for i in range(len(scores))],
            "model": [model_id] * len(scores),
            "benchmark": [s.benchmark for s in scores],
            "value": pd.Series([s.value for s in scores], dtype="float64"),
            "shots": pd.Series([s.shots for s in scores], dtype="Int64"),
            "cot": pd.Series([s.cot for s in scores], dtype="boolean"),
            "protocol": pd.Series([s.protocol for s in scores], dtype="string"),
            "provenance_kind": ["developer"] * len(scores),
            "recorded": pd.to_datetime([RECORDED] * len(scores)),
        }
    )
