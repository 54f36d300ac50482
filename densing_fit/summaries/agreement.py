"""Step 5: how far the tracks agree, for the models two tracks both read.

For each pair of tracks (in display order): the models *citable* on both (see
:mod:`densing_fit.reading.table`), the Spearman rank correlation of their densities (:func:`spearman`: the
numbers of :func:`scipy.stats.spearmanr`), the median ratio of the densities (track a over track b:
rulers differ, so absolute densities sit on different scales even when the order agrees), each
track's doubling time with its interval, and one plain-words sentence saying whether they agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

AGREE_RHO = 0.7
"""Spearman ρ at or above which two tracks are said to rank models alike."""
MIN_COMMON = 3
"""Fewest shared citable models for a rank correlation."""

AGREEMENT_COLUMNS = [
    "track_a",
    "track_b",
    "n_common",
    "spearman_rho",
    "spearman_p",
    "median_density_ratio",
    "doubling_days_a",
    "doubling_days_a_low",
    "doubling_days_a_high",
    "doubling_days_b",
    "doubling_days_b_low",
    "doubling_days_b_high",
    "doubling_overlap",
    "agree",
    "sentence",
]
"""Columns of agreement.csv."""


def agreement(tracks: Sequence[tuple[str, pd.DataFrame, dict[str, Any]]]) -> list[dict[str, Any]]:
    """One row per pair of ``tracks`` given as (track id, densities table, trend object)."""
    rows = []
    for i, (id_a, table_a, trend_a) in enumerate(tracks):
        for id_b, table_b, trend_b in tracks[i + 1 :]:
            rows.append(_pair(id_a, table_a, trend_a, id_b, table_b, trend_b))
    return rows


def spearman(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Spearman's rank correlation of ``a`` and ``b`` and its two-sided p-value (t approximation).

    The same operations as :func:`scipy.stats.spearmanr` (average ranks, ``np.corrcoef`` of the
    stacked ranks, ``t = rho sqrt(dof / ((1 + rho)(1 - rho)))``, ``p = 2 stdtr(dof, -|t|)``), so the same
    numbers bit for bit, without importing ``scipy.stats``, which costs 0.4 s of every densing fit.
    ``nan, nan`` for fewer than two points, a constant input or a nan, as scipy gives.
    """
    pair = np.column_stack((np.asarray(a, dtype=float), np.asarray(b, dtype=float)))
    n = pair.shape[0]
    constant = n > 1 and ((pair[:, 0][0] == pair[:, 0]).all() or (pair[:, 1][0] == pair[:, 1]).all())
    if n <= 1 or constant or np.isnan(pair).any():
        return float("nan"), float("nan")
    ranked = np.apply_along_axis(_average_ranks, 0, pair)
    rho = np.corrcoef(ranked, rowvar=0)
    dof = n - 2
    with np.errstate(divide="ignore"):
        t = rho * np.sqrt((dof / ((rho + 1.0) * (1.0 - rho))).clip(0))
    p_value = 2 * special.stdtr(dof, -np.abs(t))
    return float(rho[1, 0]), float(p_value[1, 0])


def _average_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks from 1, ties sharing their mean rank (exact halves, whatever the algorithm)."""
    return pd.Series(values).rank(method="average").to_numpy(dtype=float)


def _citable(table: pd.DataFrame) -> pd.Series:
    return table.loc[table["citable"].astype(bool)].set_index("model")["density"]


def _pair(
    id_a: str,
    table_a: pd.DataFrame,
    trend_a: dict[str, Any],
    id_b: str,
    table_b: pd.DataFrame,
    trend_b: dict[str, Any],
) -> dict[str, Any]:
    a, b = _citable(table_a), _citable(table_b)
    common = sorted(set(a.index) & set(b.index))
    rho = p_value = ratio = None
    if len(common) >= MIN_COMMON:
        rho, p_value = spearman(a[common].to_numpy(), b[common].to_numpy())
    if common:
        ratio = float(np.median(a[common].to_numpy() / b[common].to_numpy()))
    da, (la, ha) = trend_a.get("doubling_days"), trend_a.get("doubling_days_ci") or [None, None]
    db, (lb, hb) = trend_b.get("doubling_days"), trend_b.get("doubling_days_ci") or [None, None]
    overlap = None
    if None not in (la, ha, lb, hb):
        overlap = bool(la <= hb and lb <= ha)
    agree = None if rho is None or overlap is None else bool(rho >= AGREE_RHO and overlap)
    row = {
        "track_a": id_a,
        "track_b": id_b,
        "n_common": len(common),
        "spearman_rho": rho,
        "spearman_p": p_value,
        "median_density_ratio": ratio,
        "doubling_days_a": da,
        "doubling_days_a_low": la,
        "doubling_days_a_high": ha,
        "doubling_days_b": db,
        "doubling_days_b_low": lb,
        "doubling_days_b_high": hb,
        "doubling_overlap": overlap,
        "agree": agree,
        "common_models": common,
    }
    row["sentence"] = sentence(row)
    return row


def _days(value: float | None, low: float | None, high: float | None) -> str:
    if value is None:
        return "no doubling time"
    interval = "" if low is None or high is None else f" [{low:.0f}, {high:.0f}]"
    return f"{value:.0f} days{interval}"


def sentence(row: dict[str, Any]) -> str:
    """Whether the two tracks of ``row`` agree, in plain words."""
    a, b, n = row["track_a"], row["track_b"], row["n_common"]
    if n < MIN_COMMON:
        ranks = f"{a} and {b} share only {n} citable model(s), too few to compare their rankings."
    else:
        rho = row["spearman_rho"]
        how = (
            "in much the same order"
            if rho >= AGREE_RHO
            else "only partly in the same order"
            if rho >= 0.4
            else "in a different order"
        )
        ranks = (
            f"{a} and {b} rank the {n} models they both read {how} (Spearman rho {rho:.2f}); "
            f"{a}'s densities are typically {row['median_density_ratio']:.2g} times {b}'s, "
            "since their rulers differ."
        )
    da = _days(row["doubling_days_a"], row["doubling_days_a_low"], row["doubling_days_a_high"])
    db = _days(row["doubling_days_b"], row["doubling_days_b_low"], row["doubling_days_b_high"])
    if row["doubling_overlap"] is None:
        doubling = f"Their doubling times cannot both be compared ({a}: {da}; {b}: {db})."
    elif row["doubling_overlap"]:
        doubling = f"Their doubling times agree within their 90% intervals ({a}: {da}; {b}: {db})."
    else:
        doubling = f"Their doubling times disagree: the 90% intervals do not overlap ({a}: {da}; {b}: {db})."
    return f"{ranks} {doubling}"
