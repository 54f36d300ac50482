"""A recorded model as calculator inputs: its sizes, release date, kind and every score on a benchmark
some track reads, in the order the fitter prefers them.

Among several scores on one benchmark the fitter chooses by protocol first, then provenance (the
developer's report first), the most recently recorded, the smallest id (:mod:`densing_fit.reading.selection`).
The calculator breaks ties between equally good protocols by the order the scores are given, so a
recorded model's scores are listed in the fitter's order of provenance, recorded date and id: read
again by ``densing density --from-model`` or the page's presets, they give the fitter's reading.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from densing_data.loader import Dataset
from densing_fit.calculator.inputs import InputError, ModelInput, ScoreInput
from densing_fit.options import FitOptions
from densing_fit.pipeline import plan_tracks
from densing_fit.reading.selection import PROVENANCE_RANK
from densing_fit.rulers.fitting import benchmark_defaults


def benchmarks_read(ds: Dataset, options: FitOptions | None = None) -> dict[str, float]:
    """Benchmark id -> maximum score, for every benchmark a track of ``ds`` aggregates or bridges from."""
    tracks, _ = plan_tracks(ds, options or FitOptions())
    rulers = ds.rulers.set_index("id")
    read: set[str] = set()
    for track in tracks:
        bench_set = track.benchmark_set(tuple(str(b) for b in rulers.at[track.ruler, "benchmarks"]))
        read |= set(bench_set) | {b.from_benchmark for b in track.bridges if b.benchmark in bench_set}
    defaults = benchmark_defaults(ds)
    return {b: defaults[b]["maximum"] for b in sorted(read) if b in defaults}


def preferred_order(scores: pd.DataFrame) -> pd.DataFrame:
    """``scores`` sorted by model, then as the fitter prefers among equal protocols: provenance, the
    most recently recorded, the smallest id."""
    rank = scores["provenance_kind"].astype(str).map(PROVENANCE_RANK).fillna(9)
    return (
        scores.assign(_provenance=rank)
        .sort_values(
            ["model", "_provenance", "recorded", "id"], ascending=[True, True, False, True], kind="mergesort"
        )
        .drop(columns="_provenance")
    )


def _known(value: Any) -> bool:
    return value is not None and not pd.isna(value)


def score_inputs(rows: pd.DataFrame) -> tuple[ScoreInput, ...]:
    """Score records (already in the preferred order) as calculator inputs."""
    return tuple(
        ScoreInput(
            benchmark=str(r["benchmark"]),
            value=float(r["value"]),
            shots=int(r["shots"]) if _known(r["shots"]) else None,
            cot=bool(r["cot"]) if _known(r["cot"]) else None,
            protocol=str(r["protocol"]),
        )
        for r in rows.to_dict("records")
    )


def recorded_input(ds: Dataset, model_id: str, benchmarks: Iterable[str]) -> ModelInput:
    """The inputs of recorded model ``model_id``: its scores on ``benchmarks`` (InputError when the
    records hold no such model)."""
    models = ds.models.set_index("id")
    if model_id not in models.index:
        raise InputError(f"model {model_id!r} is not in the records (data {ds.version}); give a model id")
    model = models.loc[model_id]
    wanted = set(benchmarks)
    rows = preferred_order(ds.scores[(ds.scores["model"] == model_id) & ds.scores["benchmark"].isin(wanted)])
    return ModelInput(
        params_total=int(model["params_total"]),
        params_active=int(model["params_active"]) if _known(model["params_active"]) else None,
        release_date=pd.Timestamp(model["release_date"]).date(),
        kind=str(model["kind"]),
        model_id=model_id,
        scores=score_inputs(rows),
    )


def presets(ds: Dataset, benchmarks: Mapping[str, Any] | Iterable[str]) -> list[dict[str, Any]]:
    """Every recorded model with a score on ``benchmarks`` as the page's presets: id, name, sizes,
    release date, kind and its scores as ``BENCH=VALUE:SHOTS:COT@PROTOCOL`` specs, in order."""
    wanted = set(benchmarks)
    scores = preferred_order(ds.scores[ds.scores["benchmark"].isin(wanted)])
    by_model = {m: score_inputs(rows) for m, rows in scores.groupby("model", sort=True)}
    out = []
    for model in ds.models.sort_values("id", kind="mergesort").to_dict("records"):
        entries = by_model.get(str(model["id"]))
        if not entries:
            continue
        out.append(
            {
                "id": str(model["id"]),
                "name": str(model["name"]),
                "params_total": int(model["params_total"]),
                "params_active": int(model["params_active"]) if _known(model["params_active"]) else None,
                "release_date": pd.Timestamp(model["release_date"]).date().isoformat(),
                "kind": str(model["kind"]),
                "scores": [s.spec() for s in entries],
            }
        )
    return out
