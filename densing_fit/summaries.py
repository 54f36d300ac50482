"""Summaries across rulers and models: the sensitivity table (every ruler × benchmark set, each read
with its track's scores) and the compression table (a derived model against its parent)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from densing_data.loader import Dataset
from densing_fit.average import average_densities, average_ruler
from densing_fit.density import aggregate_all, default_min_benchmarks, read_scores
from densing_fit.effective import ABOVE, BELOW
from densing_fit.errors import FitError
from densing_fit.options import FitOptions, track_d0_tokens
from densing_fit.rulers import FittedRuler, benchmark_defaults
from densing_fit.track_select import select_track_scores
from densing_fit.tracks import Track
from densing_fit.trend_summary import fit_trend

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


def sensitivity_table(
    ds: Dataset, rulers: Mapping[str, FittedRuler], tracks: Mapping[str, Track], opts: FitOptions
) -> pd.DataFrame:
    """Doubling time and interval for each ruler × benchmark set (each benchmark alone, then the
    track's set, then the paper's average reading); ``tracks``: ruler id -> the track reading it."""
    rows = []
    base = ds.models[ds.models["kind"] == "base"].sort_values("id", kind="mergesort")
    ids = base["id"].astype(str).tolist()
    dates = dict(zip(ids, pd.to_datetime(base["release_date"]).dt.date, strict=True))
    sizes = dict(zip(ids, base["params_total"].astype(float), strict=True))
    standard = {b: d["setting"].cot for b, d in benchmark_defaults(ds).items()}
    for ruler_id in sorted(rulers):
        ruler, track = rulers[ruler_id], tracks[ruler_id]
        settings = {b: ruler.settings[b] for b in ruler.benchmarks}
        chosen, _ = select_track_scores(ds.scores, track, settings, opts.include_mismatched, standard)
        per_bench = read_scores(chosen, ruler)
        full = track.benchmark_set(ruler.benchmarks)
        sets = [(b, (b,), 1) for b in ruler.benchmarks]
        minimum = opts.min_benchmarks or track.min_benchmarks or default_min_benchmarks(full)
        sets.append(("all", full, minimum))
        for label, bench_set, minimum in sets:
            if len(bench_set) == 1 and bench_set[0] in ruler.errors:
                rows.append(_row(ruler_id, label, None, "ruler not fitted: " + ruler.errors[bench_set[0]]))
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
            rows.append(_row(ruler_id, label, summary, summary["error"] or ""))
        n_all = rows[-1]["n_models"]
        rows.append(
            _average_row(ds, ruler, per_bench, full, sizes, dates, opts, track_d0_tokens(opts, track), n_all)
        )
    return pd.DataFrame(rows, columns=SENSITIVITY_COLUMNS)


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


COMPRESSION_COLUMNS = [
    "model",
    "name",
    "parent",
    "parent_name",
    "method",
    "params",
    "parent_params",
    "density",
    "parent_density",
    "density_ratio",
    "density_low",
    "density_high",
    "parent_density_low",
    "parent_density_high",
    "density_ratio_low",
    "density_ratio_high",
    "flags",
    "parent_flags",
    "denser_than_parent",
    "same_source",
    "mixed_source_benchmarks",
]


def compression_table(densities: pd.DataFrame, scores: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per model with ``derived_from``: its density against its parent's.

    A child and its parent are comparable only when their scores come from one source: two labs'
    pipelines can differ by more than the compression. With ``scores`` (the score records),
    ``same_source`` is ``yes`` when, on every benchmark both readings use, the child's and the parent's
    scores cite the same source URL, ``no`` otherwise (``mixed_source_benchmarks`` names those
    benchmarks), empty when they share no benchmark.

    The ratio's interval combines the two readings' intervals in log space as if independent
    (both are read on one ruler, so part of the ruler's error cancels in the ratio: the interval
    is on the wide side). ``denser_than_parent`` is ``yes``/``no`` when the whole interval lies
    above/below 1 (or, when a reading is a bound, when the bound decides: a child at most 0.5 times
    its parent is less dense), ``unclear`` otherwise, empty without both densities.
    """
    by_id = densities.set_index("model")
    source_of = {} if scores is None else dict(zip(scores["id"], scores["source_url"], strict=True))
    rows = []
    for row in densities[densities["derived_from"].notna()].itertuples(index=False):
        parent = by_id.loc[row.derived_from] if row.derived_from in by_id.index else None
        parent_density = np.nan if parent is None else float(parent["density"])
        ratio = row.density / parent_density if parent_density > 0 else np.nan
        ratio_low, ratio_high = _ratio_interval(row, parent, ratio)
        rows.append(
            {
                "model": row.model,
                "name": row.name,
                "parent": row.derived_from,
                "parent_name": None if parent is None else parent["name"],
                "method": row.derived_method,
                "params": row.params,
                "parent_params": np.nan if parent is None else float(parent["params"]),
                "density": row.density,
                "parent_density": parent_density,
                "density_ratio": ratio,
                "density_low": row.density_low,
                "density_high": row.density_high,
                "parent_density_low": np.nan if parent is None else float(parent["density_low"]),
                "parent_density_high": np.nan if parent is None else float(parent["density_high"]),
                "density_ratio_low": ratio_low,
                "density_ratio_high": ratio_high,
                "flags": row.flags,
                "parent_flags": None if parent is None else parent["flags"],
                "denser_than_parent": _verdict(
                    ratio, ratio_low, ratio_high, row.flags, None if parent is None else parent["flags"]
                ),
                **_sources(row, parent, densities, source_of),
            }
        )
    return pd.DataFrame(rows, columns=COMPRESSION_COLUMNS)


def _half_width(low: float, high: float) -> float:
    """Half the width of an interval in log space (nan without one)."""
    if not (np.isfinite(low) and np.isfinite(high)) or low <= 0 or high <= 0:
        return np.nan
    return (np.log(high) - np.log(low)) / 2.0


def _ratio_interval(row: Any, parent: pd.Series | None, ratio: float) -> tuple[float, float]:
    if parent is None or not np.isfinite(ratio) or ratio <= 0:
        return np.nan, np.nan
    child_hw = _half_width(float(row.density_low), float(row.density_high))
    parent_hw = _half_width(float(parent["density_low"]), float(parent["density_high"]))
    if np.isnan(child_hw) or np.isnan(parent_hw):
        return np.nan, np.nan
    spread = float(np.hypot(child_hw, parent_hw))
    return float(ratio * np.exp(-spread)), float(ratio * np.exp(spread))


def _verdict(ratio: float, low: float, high: float, flags: Any, parent_flags: Any) -> str | None:
    if not np.isfinite(ratio):
        return None
    child, parent = set(str(flags or "").split(";")), set(str(parent_flags or "").split(";"))
    # a bound on either side makes the ratio a bound: "at most" (child at most, parent at least) or
    # "at least"; a bound below 1 or above 1 still decides
    at_most = BELOW in child or ABOVE in parent
    at_least = ABOVE in child or BELOW in parent
    if at_most and not at_least:
        return "no" if ratio < 1 else "unclear"
    if at_least and not at_most:
        return "yes" if ratio > 1 else "unclear"
    if at_most and at_least:
        return "unclear"
    if np.isfinite(low) and low > 1:
        return "yes"
    if np.isfinite(high) and high < 1:
        return "no"
    return "unclear"


def _sources(
    row: Any, parent: pd.Series | None, densities: pd.DataFrame, source_of: dict[str, str]
) -> dict[str, str]:
    """``same_source`` and ``mixed_source_benchmarks`` of a child/parent pair (see compression_table)."""
    if parent is None or not source_of:
        return {"same_source": "", "mixed_source_benchmarks": ""}
    child = row._asdict()
    shared, mixed = [], []
    for column in densities.columns:
        if not column.endswith("_score_id"):
            continue
        bench = column[: -len("_score_id")]
        used = f"{bench}_effective_params"
        if pd.isna(child.get(used)) or pd.isna(parent.get(used)):
            continue
        shared.append(bench)
        if source_of.get(child[column]) != source_of.get(parent[column]):
            mixed.append(bench)
    if not shared:
        return {"same_source": "", "mixed_source_benchmarks": ""}
    return {"same_source": "no" if mixed else "yes", "mixed_source_benchmarks": ";".join(mixed)}
