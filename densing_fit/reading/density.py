"""Steps 2 and 3 of a track's pass: read each chosen score on the ruler, then aggregate per model.

Per benchmark, a used score (see :mod:`densing_fit.reading.track_select`) is read off the ruler's estimator:
N̂ with the standard error of ln N̂ from the ruler's parameters; a bridged score adds its bridge's
error, carried through the slope of the ruler (d ln N̂ / dS). The aggregate N̂ is the geometric mean
of the per-benchmark N̂ over the benchmarks of the set that gave one (exact or a bound), provided at
least ``min_benchmarks`` did; a bound among them makes the aggregate a bound in the same direction
and carries its flag. Density is ρ = N̂ / N with N = ``params_total``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from densing_fit.reading.track_select import BRIDGED, MISMATCH, UNSTATED_FLAG
from densing_fit.rulers.effective import ABOVE, BELOW, EXACT, EffectiveSizes
from densing_fit.rulers.fitting import FittedRuler
from densing_fit.rulers.optimize import Z_90

NO_RULER = "no_ruler"
CHAINED = "chained"
"""Per-benchmark mark: read on a chained rung (:mod:`densing_fit.rulers.chain`)."""
EXTRAPOLATED = "extrapolated"
"""Per-benchmark mark: N̂ outside the ruler's reference sizes, with its back-tested error."""
IMPRECISE = "imprecise"
"""Flag of an aggregate whose 90% interval spans more than :data:`IMPRECISE_SPREAD` times."""
IMPRECISE_SPREAD = 100.0
"""Widest interval (high / low) of a reading kept in the trend: beyond two orders of magnitude the
reading says next to nothing about the density (a score near the ruler's ceiling, where the
inverse is nearly flat), and one such point on the frontier would pin the line."""
LEFT_OUT = "protocol_left_out"
SLOPE_STEP = 0.05
"""Score step (points) of the numerical slope d ln N̂ / dS used to carry a bridge's error."""

COLUMNS = [
    "model",
    "benchmark",
    "score",
    "score_id",
    "protocol",
    "effective_params",
    "se_log",
    "flag",
    "status",
    "used",
    "shots_unstated",
]
"""Columns of the per-benchmark table."""


@dataclass(frozen=True)
class Aggregate:
    """Aggregate effective size of one model over a benchmark set."""

    effective_params: float | None
    """Geometric mean of the per-benchmark N̂ used; None when too few benchmarks gave one."""
    low: float | None
    """Lower end of the 90% interval (ruler and bridge uncertainty); None for bounds."""
    high: float | None
    """Upper end of that interval."""
    n_benchmarks: int
    """Benchmarks that entered the aggregate."""
    flags: tuple[str, ...]
    """Sorted flags (see :mod:`densing_fit.reading.flags`)."""

    @property
    def imprecise(self) -> bool:
        """True when the interval spans more than :data:`IMPRECISE_SPREAD` times (or reaches 0)."""
        if self.low is None or self.high is None:
            return False
        return self.low <= 0 or self.high / self.low > IMPRECISE_SPREAD

    @property
    def in_trend(self) -> bool:
        """An exact reading precise enough for the trend (not a bound, not imprecise)."""
        return (
            self.effective_params is not None
            and not ({BELOW, ABOVE} & set(self.flags))
            and not self.imprecise
        )


def default_min_benchmarks(benchmark_set: Sequence[str]) -> int:
    """Half the set, rounded up (3 of the paper's five; 1 for a single benchmark)."""
    return max(1, math.ceil(len(benchmark_set) / 2))


def read_scores(chosen: pd.DataFrame, ruler: FittedRuler) -> pd.DataFrame:
    """One row per chosen score: N̂ where it was used and the ruler covers its benchmark.

    ``chosen`` is :func:`~densing_fit.reading.track_select.select_track_scores`' table. Columns: see
    :data:`COLUMNS`; ``effective_params`` is ``nan`` (and ``used`` False) for a score not read.
    """
    pieces = []
    for bench, group in chosen.groupby("benchmark", sort=True):
        group = group.copy()
        estimator = ruler.estimators.get(str(bench))
        use = group["used"].to_numpy(dtype=bool) & (estimator is not None)
        value, se = np.full(len(group), np.nan), np.zeros(len(group))
        flag = group["status"].to_numpy(dtype=object).copy()
        if estimator is None:
            flag[:] = NO_RULER
        if estimator is not None and use.any():
            scores = group["value"].to_numpy(dtype=float)[use]
            sizes = estimator.effective_params_batch(scores)
            value[use], se[use] = sizes.value, sizes.se_log
            bridge_sd = group["bridge_sd"].to_numpy(dtype=float)[use]
            if np.any(bridge_sd > 0):
                step = estimator.effective_params_batch(scores + SLOPE_STEP).value
                back = estimator.effective_params_batch(scores - SLOPE_STEP).value
                slope = (np.log(step) - np.log(back)) / (2 * SLOPE_STEP)
                exact = sizes.flag == EXACT
                se[use] = np.where(exact, np.sqrt(sizes.se_log**2 + (slope * bridge_sd) ** 2), 0.0)
            marks = _reading_marks(sizes)
            flag[use] = [_join(f, b, m) for f, b, m in zip(flag[use], sizes.flag, marks, strict=True)]
        group["effective_params"], group["se_log"], group["flag"], group["used"] = value, se, flag, use
        pieces.append(group)
    if not pieces:
        return pd.DataFrame(columns=COLUMNS).astype({"used": bool, "shots_unstated": bool})
    out = pd.concat(pieces, ignore_index=True).rename(columns={"value": "score"})
    return out[COLUMNS].sort_values(["model", "benchmark"], kind="mergesort").reset_index(drop=True)


def _join(*flags: str) -> str:
    return ";".join(f for f in flags if f)


def _reading_marks(sizes: EffectiveSizes) -> list[str]:
    """``chained`` / ``extrapolated`` for each reading (see
    :data:`densing_fit.reading.flags.FLAG_EXPLANATIONS`)."""
    n = len(sizes.value)
    chained = sizes.chained if sizes.chained is not None else np.zeros(n, dtype=bool)
    outside = sizes.extrapolation > 1.0 + 1e-9 if sizes.extrapolation is not None else np.zeros(n, dtype=bool)
    return [
        _join(CHAINED if c else "", EXTRAPOLATED if o else "") for c, o in zip(chained, outside, strict=True)
    ]


def _aggregate(records: list[tuple], benchmark_set: frozenset[str], min_benchmarks: int) -> Aggregate:
    """``records``: (benchmark, effective_params, se_log, flag, status, used, shots_unstated)."""
    in_set = [r for r in records if r[0] in benchmark_set]
    used = [r for r in in_set if r[5]]
    flags = {f for r in used for f in str(r[3]).split(";") if f} - {NO_RULER}
    if any(r[6] for r in used):
        flags.add(UNSTATED_FLAG)
    if any(not r[5] and r[4] in (MISMATCH, UNSTATED_FLAG) for r in in_set):
        flags.add(LEFT_OUT)
    if len(used) < len(benchmark_set):
        flags.add("missing_benchmarks")
    if len(used) < max(min_benchmarks, 1):
        flags.add("too_few_benchmarks")
        return Aggregate(None, None, None, len(used), tuple(sorted(flags - {BELOW, ABOVE, BRIDGED})))
    value = float(np.exp(np.mean(np.log([r[1] for r in used]))))
    if any(BELOW in r[3] or ABOVE in r[3] for r in used):
        return Aggregate(value, None, None, len(used), tuple(sorted(flags)))
    se = float(np.sqrt(np.sum(np.square([r[2] for r in used]))) / len(used))
    spread = float(np.exp(Z_90 * se))
    return Aggregate(value, value / spread, value * spread, len(used), tuple(sorted(flags)))


def aggregate_all(
    per_bench: pd.DataFrame, model_ids: Sequence[str], benchmark_set: Sequence[str], min_benchmarks: int
) -> dict[str, Aggregate]:
    """The aggregate of every model in ``model_ids`` (models without scores get a flagged empty one)."""
    by_model: dict[str, list[tuple]] = {}
    columns = ("model", "benchmark", "effective_params", "se_log", "flag", "status", "used", "shots_unstated")
    for row in zip(*(per_bench[c].tolist() for c in columns), strict=True):
        by_model.setdefault(str(row[0]), []).append(row[1:])
    wanted = frozenset(benchmark_set)
    return {m: _aggregate(by_model.get(m, []), wanted, min_benchmarks) for m in model_ids}
