"""From records to the numbers the site shows: :func:`fit_all` and its :class:`FitResult`.

``fit_all(ds)`` fits the default ruler (or the one named), reads every model's scores off it, builds
the densities table, fits the densing-law trend (also before and after a cut date), compares
compressed models with their parents and, for every ruler × benchmark set, measures how much the
doubling time moves. :func:`densing_fit.outputs.write_outputs` writes the result to files.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from densing_data.loader import Dataset
from densing_fit.density import aggregate_all, default_benchmark_set, default_min_benchmarks, per_benchmark
from densing_fit.effective import BELOW
from densing_fit.errors import FitError
from densing_fit.rulers import FittedRuler, fit_ruler
from densing_fit.summaries import compression_table, sensitivity_table, trend_document

MODEL_COLUMNS = ("name", "family", "organization", "kind", "hf_repo")


@dataclass(frozen=True)
class FitOptions:
    """Choices that change the numbers; written into trend.json so a result says how it was made."""

    ruler_id: str | None = None
    """Ruler to use; None takes the ruler record marked ``default: true``."""
    include_mismatched: bool = False
    """Use scores whose shots/CoT differ from the ruler's (flagged) instead of leaving them out."""
    strict_protocol: bool = False
    """Treat scores whose source states no shots or CoT as protocol mismatches."""
    d0_tokens: float = 1e12
    """D at which a two-step ruler reads N̂ (1e12 as in the arXiv paper; 5e12 in the journal version)."""
    min_benchmarks: int | None = None
    """Fewest benchmarks for an aggregate N̂; None: half the benchmark set, rounded up."""
    n_resamples: int = 1000
    """Bootstrap resamples of the trend."""
    confidence: float = 0.9
    """Two-sided level of the trend's interval."""
    seed: int = 0
    """Seed of the bootstrap."""
    cut_date: dt.date = dt.date(2022, 11, 30)
    """Date splitting the trend in two (ChatGPT's release by default)."""
    sensitivity: bool = True
    """Also fit every ruler × benchmark set for the sensitivity table."""


@dataclass(frozen=True)
class FitResult:
    """Everything the fitter computed; :func:`densing_fit.outputs.write_outputs` writes it."""

    ruler_id: str
    """The ruler the densities were read off."""
    data_version: str
    """Data version of the records fitted."""
    options: FitOptions
    """The options used."""
    densities: pd.DataFrame
    """One row per model (columns as densities.csv; ``nan`` where empty)."""
    per_benchmark: pd.DataFrame
    """One row per (model, benchmark) with a score: score used, N̂, flag (see density.per_benchmark)."""
    trend: dict[str, Any]
    """The trend.json object."""
    ruler: dict[str, Any]
    """The ruler.json object of the ruler used."""
    rulers: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Ruler id -> ruler.json object, for every ruler in the records."""
    sensitivity: pd.DataFrame = field(default_factory=pd.DataFrame)
    """The sensitivity.csv table."""
    compression: pd.DataFrame = field(default_factory=pd.DataFrame)
    """The compression.csv table."""


def default_ruler_id(ds: Dataset) -> str:
    """The id of the ruler marked ``default: true``."""
    if ds.rulers.empty:
        raise FitError("the records define no ruler; add one under records/rulers/ (see docs/method.md)")
    defaults = ds.rulers[ds.rulers["default"].astype(bool)]
    if len(defaults) != 1:
        raise FitError(f"expected exactly one ruler with default: true, found {defaults['id'].tolist()}")
    return str(defaults.iloc[0]["id"])


def fit_all(ds: Dataset, options: FitOptions | None = None, **changes: Any) -> FitResult:
    """Fit rulers, densities, trend, compression and sensitivity on ``ds``.

    ``changes`` override fields of ``options`` (e.g. ``fit_all(ds, ruler_id="qwen3-report")``).
    """
    opts = dataclasses.replace(options or FitOptions(), **changes)
    ruler_id = opts.ruler_id or default_ruler_id(ds)
    rulers = {ruler_id: fit_ruler(ds, ruler_id, d0_tokens=opts.d0_tokens)}
    if opts.sensitivity:
        for other in sorted(ds.rulers["id"].astype(str)):
            if other not in rulers:
                rulers[other] = fit_ruler(ds, other, d0_tokens=opts.d0_tokens)
    ruler = rulers[ruler_id]
    bench_set = default_benchmark_set(ruler)
    min_benchmarks = opts.min_benchmarks or default_min_benchmarks(bench_set)
    per_bench = per_benchmark(ds.scores, ruler, opts.include_mismatched, opts.strict_protocol)
    densities = densities_table(ds, ruler, per_bench, bench_set, min_benchmarks)
    trend, frontier = trend_document(densities, opts, ruler_id, ds.version, bench_set)
    densities["frontier"] = densities["model"].isin(frontier)
    sensitivity = sensitivity_table(ds, rulers, opts, min_benchmarks) if opts.sensitivity else pd.DataFrame()
    return FitResult(
        ruler_id=ruler_id,
        data_version=ds.version,
        options=opts,
        densities=densities,
        per_benchmark=per_bench,
        trend=trend,
        ruler=dict(ruler.summary),
        rulers={rid: dict(r.summary) for rid, r in sorted(rulers.items())},
        sensitivity=sensitivity,
        compression=compression_table(densities),
    )


def densities_table(
    ds: Dataset, ruler: FittedRuler, per_bench: pd.DataFrame, bench_set: tuple[str, ...], min_benchmarks: int
) -> pd.DataFrame:
    """One row per model: record fields, aggregate N̂ and density, flags and per-benchmark columns."""
    models = ds.models.sort_values("id", kind="mergesort").reset_index(drop=True)
    ids = models["id"].astype(str).tolist()
    aggregates = aggregate_all(per_bench, ids, bench_set, min_benchmarks)
    table = pd.DataFrame({"model": ids})
    for column in MODEL_COLUMNS:
        table[column] = models[column].astype(object).where(models[column].notna(), None)
    table["release_date"] = pd.to_datetime(models["release_date"]).dt.date
    table["params_total"] = models["params_total"].astype("int64")
    table["params_active"] = models["params_active"].astype("Int64")
    table["params"] = table["params_total"].astype(float)
    table["derived_from"] = (
        models["derived_from_model"].astype(object).where(models["derived_from_model"].notna(), None)
    )
    table["derived_method"] = (
        models["derived_from_method"].astype(object).where(models["derived_from_method"].notna(), None)
    )
    agg = [aggregates[m] for m in ids]
    table["effective_params"] = [np.nan if a.effective_params is None else a.effective_params for a in agg]
    table["effective_params_low"] = [np.nan if a.low is None else a.low for a in agg]
    table["effective_params_high"] = [np.nan if a.high is None else a.high for a in agg]
    for column in ("", "_low", "_high"):
        table[f"density{column}"] = table[f"effective_params{column}"] / table["params"]
    table["n_benchmarks"] = [a.n_benchmarks for a in agg]
    not_base = table["kind"] != "base"
    table["flags"] = [
        ";".join(sorted(set(a.flags) | ({"not_base"} if nb else set())))
        for a, nb in zip(agg, not_base, strict=True)
    ]
    upper_bound = table["flags"].str.contains(BELOW, regex=False)
    table["in_trend"] = ~not_base & table["effective_params"].notna() & ~upper_bound
    table["frontier"] = False
    _add_benchmark_columns(table, per_bench, ruler)
    return table


def _add_benchmark_columns(table: pd.DataFrame, per_bench: pd.DataFrame, ruler: FittedRuler) -> None:
    for bench in ruler.benchmarks:
        rows = per_bench[per_bench["benchmark"] == bench].set_index("model")
        table[f"{bench}_score"] = table["model"].map(rows["score"]).astype(float)
        table[f"{bench}_score_id"] = table["model"].map(rows["score_id"]).astype(object)
        table[f"{bench}_effective_params"] = table["model"].map(rows["effective_params"]).astype(float)
        flags = table["model"].map(rows["flag"]).astype(object)
        table[f"{bench}_flag"] = flags.where(flags.notna(), "")
