"""A capability group read on one track: the group's benchmarks that the track's ruler fits, each
model's aggregate over them, and which readings may enter the group's trend.

The track's rules hold per group: the same chosen scores (its protocol, its bridges, its fallback to
unstated shots), the same per-benchmark effective sizes, the same aggregate (geometric mean over the
benchmarks that gave one; a bound among them makes the aggregate a bound, and a reading with fewer
than all of them carries ``missing_benchmarks``), and the same trend rules (base models with a release date,
exact and precise readings, the ruler's own reference models out, unstated readings out where the
track keeps them out).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from densing_fit.capabilities.registry import CapabilityGroup
from densing_fit.reading.density import IMPRECISE, Aggregate, aggregate_all
from densing_fit.reading.track_select import UNSTATED_FLAG
from densing_fit.rulers.effective import ABOVE, BELOW
from densing_fit.track_fit import REFERENCE_MODEL, TrackResult

MIN_BENCHMARKS = 1
"""Fewest of a group's benchmarks a model's group reading needs. A track's aggregate needs half of its
set because its benchmarks measure different capabilities; a group's measure one capability in one
unit (effective size on the track's ruler), so any one of them reads it."""

READING_COLUMNS = [
    "track",
    "group",
    "model",
    "name",
    "kind",
    "release_date",
    "params",
    "effective_params",
    "effective_params_low",
    "effective_params_high",
    "density",
    "density_low",
    "density_high",
    "n_benchmarks",
    "flags",
    "bound",
    "in_trend",
    "frontier",
]
"""capabilities.csv columns: one row per (track, group, model) with a group reading."""


@dataclass(frozen=True)
class GroupReadings:
    """One group on one track."""

    group: CapabilityGroup
    """The group."""
    benchmarks: tuple[str, ...]
    """The group's benchmarks read on this track (fitted by its ruler and not left out)."""
    left_out: tuple[tuple[str, str], ...]
    """(benchmark, why) for group benchmarks the ruler fits but the track does not read for groups."""
    min_benchmarks: int
    """Fewest of :attr:`benchmarks` a model's group reading needs (:data:`MIN_BENCHMARKS`; 0 when the
    group has none here)."""
    table: pd.DataFrame
    """One row per model with a group reading (columns :data:`READING_COLUMNS`, ``frontier`` False)."""

    @property
    def in_trend(self) -> pd.DataFrame:
        """The readings that enter the group's trend, by release date then model."""
        rows = self.table.loc[self.table["in_trend"].astype(bool)]
        return rows.sort_values(["release_date", "model"], kind="mergesort").reset_index(drop=True)


def fitted_benchmarks(track: TrackResult) -> tuple[str, ...]:
    """The benchmarks the track's ruler could be fitted on, in the ruler's order."""
    order = track.ruler.get("benchmark_order") or list(track.ruler.get("benchmarks") or {})
    infos = track.ruler.get("benchmarks") or {}
    return tuple(b for b in order if b in infos and "error" not in infos[b])


def read_group(track: TrackResult, group: CapabilityGroup, left_out: Mapping[str, str]) -> GroupReadings:
    """``group`` read on ``track`` (``left_out``: benchmark -> why the track does not read it for groups)."""
    on_ruler = [b for b in fitted_benchmarks(track) if b in group.benchmarks]
    benches = tuple(b for b in on_ruler if b not in left_out)
    dropped = tuple((b, left_out[b]) for b in on_ruler if b in left_out)
    if not benches:
        return GroupReadings(group, (), dropped, 0, pd.DataFrame(columns=READING_COLUMNS))
    minimum = MIN_BENCHMARKS
    models = track.densities
    ids = models["model"].astype(str).tolist()
    aggregates = aggregate_all(track.per_benchmark, ids, benches, minimum)
    keep_unstated_out = track.track.unstated_fallback and not track.track.allow_unstated
    rows = []
    for row in models.itertuples(index=False):
        agg = aggregates[str(row.model)]
        if agg.effective_params is None:
            continue
        rows.append(_reading(track.track.id, group.id, row, agg, keep_unstated_out))
    table = pd.DataFrame(rows, columns=READING_COLUMNS)
    return GroupReadings(group, benches, dropped, minimum, table)


def _reading(track_id: str, group_id: str, row: object, agg: Aggregate, keep_unstated_out: bool) -> dict:
    """One model's group reading as a row of :data:`READING_COLUMNS`."""
    params = float(row.params)
    flags = set(agg.flags) | ({IMPRECISE} if agg.imprecise else set())
    reference = REFERENCE_MODEL in str(row.flags or "").split(";")
    if reference:
        flags.add(REFERENCE_MODEL)
    bound = "at_least" if ABOVE in flags else "at_most" if BELOW in flags else ""
    dated = row.release_date is not None and not pd.isna(row.release_date)
    in_trend = (
        row.kind == "base"
        and dated
        and agg.in_trend
        and not reference
        and not (keep_unstated_out and UNSTATED_FLAG in flags)
    )
    low = np.nan if agg.low is None else agg.low
    high = np.nan if agg.high is None else agg.high
    return {
        "track": track_id,
        "group": group_id,
        "model": row.model,
        "name": row.name,
        "kind": row.kind,
        "release_date": row.release_date,
        "params": params,
        "effective_params": agg.effective_params,
        "effective_params_low": low,
        "effective_params_high": high,
        "density": agg.effective_params / params,
        "density_low": low / params,
        "density_high": high / params,
        "n_benchmarks": agg.n_benchmarks,
        "flags": ";".join(sorted(flags)),
        "bound": "mixed" if ABOVE in flags and BELOW in flags else bound,
        "in_trend": bool(in_trend),
        "frontier": False,
    }
