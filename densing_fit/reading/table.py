"""Step 3 of a track's pass, as a table: one row per model with its aggregate density and flags.

Besides the record fields and the aggregate, a row says whether the model enters the trend
(``in_trend``: a base model with a density that is neither a bound nor ``imprecise``), whether a
careful reader would cite it (``citable``: also inside the ruler's reach, no protocol flag, with an
interval no wider than a factor of 100) and
its ``rank`` among the citable rows (1 = densest), with the ``rank_low``–``rank_high`` range it
could take given the readings' intervals (:mod:`densing_fit.reading.rank_range`). ``density_active`` (and its
interval, and ``rank_active``) divide N̂ by the active parameter count instead of the total, for
mixtures of experts (the same as ``density`` for dense models).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from densing_data.loader import Dataset
from densing_fit.reading.density import IMPRECISE, aggregate_all
from densing_fit.reading.flags import CITE_BLOCKERS
from densing_fit.reading.rank_range import add_rank_ranges

MODEL_COLUMNS = ("name", "family", "organization", "kind", "hf_repo")


def densities_table(
    ds: Dataset,
    per_bench: pd.DataFrame,
    ruler_benchmarks: tuple[str, ...],
    bench_set: tuple[str, ...],
    min_benchmarks: int,
    track_id: str,
) -> pd.DataFrame:
    """One row per model: record fields, aggregate N̂ and density, flags, citable, rank and
    per-benchmark columns (``frontier`` is left False for the trend to set)."""
    models = ds.models.sort_values("id", kind="mergesort").reset_index(drop=True)
    ids = models["id"].astype(str).tolist()
    aggregates = aggregate_all(per_bench, ids, bench_set, min_benchmarks)
    table = pd.DataFrame({"model": ids})
    for column in MODEL_COLUMNS:
        table[column] = models[column].astype(object).where(models[column].notna(), None)
    table["track"] = track_id
    table["release_date"] = pd.to_datetime(models["release_date"]).dt.date
    table["params_total"] = models["params_total"].astype("int64")
    table["params_active"] = models["params_active"].astype("Int64")
    table["params"] = table["params_total"].astype(float)
    for column, source in (("derived_from", "derived_from_model"), ("derived_method", "derived_from_method")):
        table[column] = models[source].astype(object).where(models[source].notna(), None)
    agg = [aggregates[m] for m in ids]
    table["effective_params"] = [np.nan if a.effective_params is None else a.effective_params for a in agg]
    table["effective_params_low"] = [np.nan if a.low is None else a.low for a in agg]
    table["effective_params_high"] = [np.nan if a.high is None else a.high for a in agg]
    active = table["params_active"].astype(float).where(table["params_active"].notna(), table["params"])
    for column in ("", "_low", "_high"):
        table[f"density{column}"] = table[f"effective_params{column}"] / table["params"]
        table[f"density_active{column}"] = table[f"effective_params{column}"] / active
    table["n_benchmarks"] = [a.n_benchmarks for a in agg]
    not_base = table["kind"] != "base"
    imprecise = [a.imprecise for a in agg]
    flag_sets = [
        set(a.flags) | ({"not_base"} if nb else set()) | ({IMPRECISE} if wide else set())
        for a, nb, wide in zip(agg, not_base, imprecise, strict=True)
    ]
    table["flags"] = [";".join(sorted(f)) for f in flag_sets]
    table["in_trend"] = ~not_base & np.array([a.in_trend for a in agg], dtype=bool)
    table["citable"] = table["density_low"].notna() & np.array([not (f & CITE_BLOCKERS) for f in flag_sets])
    table["rank"] = citable_rank(table)
    add_rank_ranges(table)
    table["rank_active"] = citable_rank(table, "density_active")
    table["frontier"] = False
    _add_benchmark_columns(table, per_bench, ruler_benchmarks)
    return table


def citable_rank(table: pd.DataFrame, column: str = "density") -> pd.Series:
    """1 for the densest citable row by ``column`` (``density``: per total parameter;
    ``density_active``: per active parameter), 2 for the next ... (ties by model id); <NA> when not
    citable."""
    citable = table[table["citable"]].sort_values(
        [column, "model"], ascending=[False, True], kind="mergesort"
    )
    ranks = pd.Series(pd.NA, index=table.index, dtype="Int64")
    ranks[citable.index] = np.arange(1, len(citable) + 1)
    return ranks


def _add_benchmark_columns(table: pd.DataFrame, per_bench: pd.DataFrame, benchmarks: tuple[str, ...]) -> None:
    """Four columns per benchmark of the ruler: the score read, its record id, its N̂ and its flag
    (NaN, or ``""`` for the flag, where the model has no score on the benchmark)."""
    readings: dict[str, dict[str, tuple]] = {bench: {} for bench in benchmarks}
    columns = ("benchmark", "model", "score", "score_id", "effective_params", "flag")
    for bench, model, *values in zip(*(per_bench[c].tolist() for c in columns), strict=True):
        if bench in readings:
            readings[bench][model] = tuple(values)
    models = table["model"].tolist()
    missing = (np.nan, np.nan, np.nan, "")
    for bench in benchmarks:
        rows = [readings[bench].get(m, missing) for m in models]
        score, score_id, effective, flag = zip(*rows, strict=True) if rows else ((), (), (), ())
        table[f"{bench}_score"] = np.array(score, dtype=float)
        table[f"{bench}_score_id"] = np.array(score_id, dtype=object)
        table[f"{bench}_effective_params"] = np.array(effective, dtype=float)
        table[f"{bench}_flag"] = np.array(flag, dtype=object)
