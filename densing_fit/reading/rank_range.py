"""Rank ranges: how far a citable reading's rank could move given the readings' 90% intervals.

A point rank (``rank``: 1 = densest citable reading of a track) hides that neighbouring readings
often overlap. Like LMArena's rank ranges, each reading gets the ranks it takes in most of many
simulated draws: every citable reading's ln ρ is drawn from a normal distribution centred on its
point density whose 90% interval matches the reading's (se = ln(high/low) / (2 · 1.6449)), all
readings are ranked in each draw, and ``rank_low``/``rank_high`` are the 5th and 95th percentiles of
a reading's ranks (widened, when needed, to include its point rank). A well-separated reading keeps
one rank; readings that cannot be told apart share a range.

Limits (also in docs/method.md): the draws treat readings as independent, while readings of one
track share the ruler's fitted curve, whose error moves them together; so the ranges are on the wide
side for readings that differ mainly in their scores and do not include any uncertainty of the ruler
that the intervals leave out. A bound (``below_ruler``/``above_ruler``) is never ranked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import ndtri

N_DRAWS = 2000
"""Draws per track: the 5th and 95th percentile ranks are stable to about one rank at this count."""
SEED = 0
"""Fixed seed: same readings, same ranges (the fit outputs are deterministic)."""
CONFIDENCE = 0.9
"""Share of the draws a rank range covers (5th to 95th percentile); the intervals drawn from are 90%."""
INTERVAL_LEVEL = 0.9
"""Level of the density intervals the draws are matched to (densities.csv ``density_low/high``)."""


@dataclass(frozen=True)
class RankRanges:
    """Per reading, in the order given: the lowest and highest rank of its range (1 = densest)."""

    low: np.ndarray
    high: np.ndarray


def log_se(low: np.ndarray, high: np.ndarray, level: float = INTERVAL_LEVEL) -> np.ndarray:
    """Standard error of ln ρ implied by a two-sided ``level`` interval [low, high] of ρ, read as a
    normal interval on the log scale: ln(high / low) / (2 · z), z = 1.6449 for 90%."""
    z = ndtri(0.5 + level / 2)  # the normal quantile (scipy.stats.norm.ppf) without importing scipy.stats
    return np.log(np.asarray(high, dtype=float) / np.asarray(low, dtype=float)) / (2 * z)


def rank_ranges(
    density: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    *,
    n_draws: int = N_DRAWS,
    seed: int = SEED,
    confidence: float = CONFIDENCE,
) -> RankRanges:
    """Rank ranges of readings given in point-rank order (densest first; ties already broken).

    ``density``, ``low``, ``high``: positive arrays of one track's citable readings. Draws that tie
    (identical readings with no spread) keep the given order, so a reading's range always includes
    its point rank, which is its position + 1."""
    density, low, high = (np.asarray(a, dtype=float) for a in (density, low, high))
    n = len(density)
    if not (len(low) == len(high) == n):
        raise ValueError(
            f"rank_ranges: density, low and high must have one entry per reading; got {n}, {len(low)} "
            f"and {len(high)} entries"
        )
    if n == 0:
        return RankRanges(low=np.zeros(0, dtype=int), high=np.zeros(0, dtype=int))
    values = np.stack([density, low, high])
    bad = ~(np.isfinite(values) & (values > 0))
    if bad.any():
        which, i = (int(k[0]) for k in np.nonzero(bad))
        name = ("density", "low", "high")[which]
        raise ValueError(
            f"rank_ranges: reading {i} has {name} = {float(values[which, i])!r}; every density and interval "
            "end must be a positive number (rank only citable readings, which have an interval)"
        )
    if not 0 < confidence < 1 or n_draws < 1:
        raise ValueError(
            f"rank_ranges: confidence = {confidence!r}, n_draws = {n_draws!r}; expected "
            "0 < confidence < 1 and n_draws >= 1"
        )
    se = np.clip(log_se(low, high), 0.0, None)
    rng = np.random.default_rng(seed)
    draws = np.log(density) + rng.standard_normal((n_draws, n)) * se
    order = np.argsort(-draws, axis=1, kind="stable")  # stable: ties keep the point-rank order
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(1, n + 1)[None, :].repeat(n_draws, axis=0), axis=1)
    tail = (1 - confidence) / 2
    lowest = np.quantile(ranks, tail, axis=0, method="inverted_cdf").astype(int)
    highest = np.quantile(ranks, 1 - tail, axis=0, method="inverted_cdf").astype(int)
    point = np.arange(1, n + 1)
    return RankRanges(low=np.minimum(lowest, point), high=np.maximum(highest, point))


def add_rank_ranges(table: pd.DataFrame) -> None:
    """Set ``rank_low`` and ``rank_high`` on a track's densities table (in place): the rank range of
    every ranked row (``rank`` present), empty (<NA>) for the others."""
    table["rank_low"] = pd.Series(pd.NA, index=table.index, dtype="Int64")
    table["rank_high"] = pd.Series(pd.NA, index=table.index, dtype="Int64")
    ranked = table[table["rank"].notna()].sort_values("rank", kind="mergesort")
    if ranked.empty:
        return
    ranges = rank_ranges(
        ranked["density"].to_numpy(float),
        ranked["density_low"].to_numpy(float),
        ranked["density_high"].to_numpy(float),
    )
    table.loc[ranked.index, "rank_low"] = ranges.low
    table.loc[ranked.index, "rank_high"] = ranges.high
