"""The sensitivity table: the densing-law trend again for every ruler × benchmark set (each benchmark
alone, the track's aggregate set, and the paper's "average" reading), each read with its track's
scores, because the rate depends on benchmarks and reference models. :func:`sensitivity_rows` gives one
ruler's rows (the fit runs them side by side), :func:`sensitivity_frame` the table from them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from densing_data.loader import Dataset
from densing_fit.errors import FitError
from densing_fit.options import FitOptions, track_d0_tokens
from densing_fit.reading.density import aggregate_all, default_min_benchmarks, read_scores
from densing_fit.reading.track_select import select_track_scores
from densing_fit.rulers.fitting import FittedRuler, benchmark_defaults
from densing_fit.summaries.average import average_densities, average_ruler
from densing_fit.tracks import Track
from densing_fit.trend.summary import fit_trend

MIN_AVERAGE_MODELS = 20
"""Fewest models with a score on every benchmark of the set for the ``average`` row's trend (the
paper's arXiv version fits 29 models, its journal version 51)."""

SENSITIVITY_COLUMNS = [
    "ruler",
    "benchmark_set",
    "doubling_days",
    "ci_low",
    "ci_high",
    "n_models",
    "n_frontier",
    "r2",
    "note",
]


@dataclass(frozen=True)
class BaseModels:
    """What every row reads of the base models: their ids, release dates and total sizes, and each
    benchmark's standard chain-of-thought setting."""

    ids: list[str]
    dates: dict[str, Any]
    sizes: dict[str, float]
    standard: dict[str, bool | None]


def base_models(ds: Dataset) -> BaseModels:
    """The base models of ``ds`` as the sensitivity rows read them."""
    base = ds.models[ds.models["kind"] == "base"].sort_values("id", kind="mergesort")
    ids = base["id"].astype(str).tolist()
    return BaseModels(
        ids=ids,
        dates=dict(zip(ids, pd.to_datetime(base["release_date"]).dt.date, strict=True)),
        sizes=dict(zip(ids, base["params_total"].astype(float), strict=True)),
        standard={b: d["setting"].cot for b, d in benchmark_defaults(ds).items()},
    )


def sensitivity_frame(rows: Sequence[list[dict[str, Any]]]) -> pd.DataFrame:
    """The table from each ruler's rows (:func:`sensitivity_rows`), in the order given."""
    return pd.DataFrame([row for part in rows for row in part], columns=SENSITIVITY_COLUMNS)


def sensitivity_rows(
    ds: Dataset, ruler: FittedRuler, track: Track, opts: FitOptions, base: BaseModels
) -> list[dict[str, Any]]:
    """One ruler's rows of the table, read with the scores of ``track``."""
    rows = []
    ids, dates, sizes = base.ids, base.dates, base.sizes
    settings = {b: ruler.settings[b] for b in ruler.benchmarks}
    chosen, _ = select_track_scores(ds.scores, track, settings, opts.include_mismatched, base.standard)
    per_bench = read_scores(chosen, ruler)
    full = track.benchmark_set(ruler.benchmarks)
    sets = [(b, (b,), 1) for b in ruler.benchmarks]
    minimum = opts.min_benchmarks or track.min_benchmarks or default_min_benchmarks(full)
    sets.append(("all", full, minimum))
    for label, bench_set, minimum in sets:
        if len(bench_set) == 1 and bench_set[0] in ruler.errors:
            rows.append(_row(ruler.ruler_id, label, None, "ruler not fitted: " + ruler.errors[bench_set[0]]))
            continue
        aggregates = aggregate_all(per_bench, ids, bench_set, minimum)
        frame = pd.DataFrame(
            [
                {"model": m, "release_date": dates[m], "density": a.effective_params / sizes[m]}
                for m, a in aggregates.items()
                if a.in_trend and m not in ruler.members
            ],
            columns=["model", "release_date", "density"],
        )
        summary, _ = fit_trend(frame, opts)
        rows.append(_row(ruler.ruler_id, label, summary, summary["error"] or ""))
    n_all = rows[-1]["n_models"]
    rows.append(
        _average_row(ds, ruler, per_bench, full, sizes, dates, opts, track_d0_tokens(opts, track), n_all)
    )
    return rows


def _average_row(
    ds: Dataset,
    ruler: FittedRuler,
    per_bench: pd.DataFrame,
    bench_set: Sequence[str],
    sizes: dict[str, float],
    dates: dict[str, Any],
    opts: FitOptions,
    d0_tokens: float,
    n_all: int,
) -> dict[str, Any]:
    """The ``average`` row: the paper's reading of N̂ off the mean score over the set. It needs a usable
    score on every benchmark of the set, so it is fitted only when at least :data:`MIN_AVERAGE_MODELS`
    models have one (of the ``n_all`` of the ``all`` row): a trend over the few models that report every
    benchmark says more about which models those are than about density."""
    failed = [b for b in bench_set if b in ruler.errors]
    if failed:
        return _row(ruler.ruler_id, "average", None, f"ruler not fitted on {', '.join(failed)}")
    try:
        estimator = average_ruler(ds, ruler, bench_set, d0_tokens)
    except FitError as err:
        return _row(ruler.ruler_id, "average", None, f"average ruler not fitted: {err}")
    densities = average_densities(per_bench, estimator, bench_set, sizes)
    densities = {m: d for m, d in densities.items() if m not in ruler.members}
    if len(densities) < MIN_AVERAGE_MODELS:
        return _row(
            ruler.ruler_id,
            "average",
            None,
            f"not fitted: only {len(densities)} of the {n_all} models of the 'all' row have a usable "
            f"score on every benchmark of the set, which the average reading needs (at least "
            f"{MIN_AVERAGE_MODELS})",
        )
    frame = pd.DataFrame(
        [{"model": m, "release_date": dates[m], "density": d} for m, d in sorted(densities.items())],
        columns=["model", "release_date", "density"],
    )
    summary, _ = fit_trend(frame, opts)
    return _row(ruler.ruler_id, "average", summary, summary["error"] or "")


def _row(ruler_id: str, label: str, summary: dict[str, Any] | None, note: str) -> dict[str, Any]:
    summary = summary or {}
    ci = summary.get("doubling_days_ci") or [None, None]
    return {
        "ruler": ruler_id,
        "benchmark_set": label,
        "doubling_days": summary.get("doubling_days"),
        "ci_low": ci[0],
        "ci_high": ci[1],
        "n_models": summary.get("n_models", 0),
        "n_frontier": summary.get("n_frontier", 0),
        "r2": summary.get("r2"),
        "note": note,
    }
