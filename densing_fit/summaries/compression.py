"""The compression table: each model with ``derived_from`` against its parent, the ratio of their
densities with its interval, whether the child is denser, and whether the two readings use scores
from one source."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from densing_fit.rulers.effective import ABOVE, BELOW

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
