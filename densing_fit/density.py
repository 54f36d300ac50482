"""Effective size and density per model: per benchmark, then aggregated over a benchmark set.

Per benchmark, the chosen score (see :mod:`densing_fit.selection`) is read off the ruler. A score
whose protocol differs from the ruler's is flagged ``protocol_mismatch`` and used only when the
caller opts in. The aggregate N̂ is the geometric mean of the per-benchmark N̂ over the benchmarks
of the set that gave one (exact or a bound), provided at least ``min_benchmarks`` did; a bound
among them makes the aggregate a bound in the same direction and carries its flag. Density is
ρ = N̂ / N with N = ``params_total``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from densing_fit.effective import ABOVE, BELOW, EXACT
from densing_fit.optimize import Z_90
from densing_fit.rulers import FittedRuler
from densing_fit.selection import UNSTATED, select_scores

PAPER_BENCHMARKS = ("mmlu", "bbh", "math", "humaneval", "mbpp")
"""The paper's five benchmarks: MMLU 5-shot, BBH 3-shot CoT, MATH 4-shot, HumanEval 0-shot, MBPP 3-shot."""

MISMATCH = "protocol_mismatch"
NO_RULER = "no_ruler"


@dataclass(frozen=True)
class Aggregate:
    """Aggregate effective size of one model over a benchmark set."""

    effective_params: float | None
    """Geometric mean of the per-benchmark N̂ used; None when too few benchmarks gave one."""
    low: float | None
    """Lower end of the 90% interval (ruler-parameter uncertainty); None for bounds."""
    high: float | None
    """Upper end of that interval."""
    n_benchmarks: int
    """Benchmarks that entered the aggregate."""
    flags: tuple[str, ...]
    """Sorted flags (below_ruler, above_ruler, protocol_mismatch, missing_benchmarks, ...)."""


def default_benchmark_set(ruler: FittedRuler) -> tuple[str, ...]:
    """The paper's five benchmarks that the ruler covers, or all of the ruler's when it covers none."""
    paper = tuple(b for b in PAPER_BENCHMARKS if b in ruler.benchmarks)
    return paper or ruler.benchmarks


def default_min_benchmarks(benchmark_set: Sequence[str]) -> int:
    """Half the set, rounded up (3 of the paper's five; 1 for a single benchmark)."""
    return max(1, math.ceil(len(benchmark_set) / 2))


def per_benchmark(
    scores: pd.DataFrame, ruler: FittedRuler, include_mismatched: bool, strict_protocol: bool = False
) -> pd.DataFrame:
    """One row per (model, benchmark) with a score: the score used, N̂, its standard error and flags.

    With ``strict_protocol`` a score whose source states no shots or CoT counts as a mismatch.

    Columns: ``model, benchmark, score, score_id, effective_params, se_log, flag, used,
    mismatch, shots_unstated``; ``effective_params`` is ``nan`` (and ``used`` False) when the
    benchmark did not enter: protocol mismatch not opted in, or no ruler for the benchmark.
    """
    chosen = select_scores(scores, ruler.settings)
    if strict_protocol:
        chosen["mismatch"] = chosen["protocol_rank"] >= UNSTATED
    pieces = []
    for bench, group in chosen.groupby("benchmark", sort=True):
        group = group.copy()
        estimator = ruler.estimators.get(str(bench))
        use = (~group["mismatch"] | include_mismatched) & (estimator is not None)
        value = np.full(len(group), np.nan)
        se = np.zeros(len(group))
        flag = np.where(group["mismatch"], MISMATCH, EXACT).astype(object)
        if estimator is None:
            flag[:] = NO_RULER
        if estimator is not None and use.any():
            sizes = estimator.effective_params_batch(group.loc[use, "value"].to_numpy())
            value[use.to_numpy()] = sizes.value
            se[use.to_numpy()] = sizes.se_log
            flag[use.to_numpy()] = [
                _join(f, b) for f, b in zip(flag[use.to_numpy()], sizes.flag, strict=True)
            ]
        group["effective_params"], group["se_log"], group["flag"], group["used"] = (
            value,
            se,
            flag,
            use.to_numpy(),
        )
        pieces.append(group)
    columns = [
        "model",
        "benchmark",
        "score",
        "score_id",
        "effective_params",
        "se_log",
        "flag",
        "used",
        "mismatch",
        "shots_unstated",
    ]
    if not pieces:
        return pd.DataFrame(columns=columns)
    out = pd.concat(pieces, ignore_index=True).rename(columns={"value": "score"})
    return out[columns].sort_values(["model", "benchmark"], kind="mergesort").reset_index(drop=True)


def _join(*flags: str) -> str:
    return ";".join(f for f in flags if f)


def aggregate(rows: pd.DataFrame, benchmark_set: Sequence[str], min_benchmarks: int) -> Aggregate:
    """Aggregate one model's per-benchmark rows (from :func:`per_benchmark`) over ``benchmark_set``."""
    records = list(
        zip(
            rows["benchmark"],
            rows["effective_params"],
            rows["se_log"],
            rows["flag"],
            rows["used"],
            rows["shots_unstated"],
            strict=True,
        )
    )
    return _aggregate(records, frozenset(benchmark_set), min_benchmarks)


def _aggregate(records: list[tuple], benchmark_set: frozenset[str], min_benchmarks: int) -> Aggregate:
    in_set = [r for r in records if r[0] in benchmark_set]
    used = [r for r in in_set if r[4]]
    flags = {f for r in in_set for f in str(r[3]).split(";") if f} - {NO_RULER}
    if len(used) < len(benchmark_set):
        flags.add("missing_benchmarks")
    if any(r[5] for r in in_set):
        flags.add("protocol_unstated")
    if len(used) < max(min_benchmarks, 1):
        flags.add("too_few_benchmarks")
        return Aggregate(None, None, None, len(used), tuple(sorted(flags - {BELOW, ABOVE})))
    value = float(np.exp(np.mean(np.log([r[1] for r in used]))))
    if any(BELOW in r[3] or ABOVE in r[3] for r in used):
        return Aggregate(value, None, None, len(used), tuple(sorted(flags)))
    se = float(np.sqrt(np.sum(np.square([r[2] for r in used]))) / len(used))
    spread = float(np.exp(Z_90 * se))
    return Aggregate(value, value / spread, value * spread, len(used), tuple(sorted(flags)))


def aggregate_all(
    per_bench: pd.DataFrame, model_ids: Sequence[str], benchmark_set: Sequence[str], min_benchmarks: int
) -> dict[str, Aggregate]:
    """:func:`aggregate` for every model in ``model_ids`` (models without scores get a flagged empty one)."""
    by_model: dict[str, list[tuple]] = {}
    columns = ("model", "benchmark", "effective_params", "se_log", "flag", "used", "shots_unstated")
    for row in zip(*(per_bench[c].tolist() for c in columns), strict=True):
        by_model.setdefault(str(row[0]), []).append(row[1:])
    wanted = frozenset(benchmark_set)
    return {m: _aggregate(by_model.get(m, []), wanted, min_benchmarks) for m in model_ids}
