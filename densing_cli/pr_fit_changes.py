"""The "Densities and doubling time" part of the pull-request summary: fit the records at the base
and at the head with :func:`densing_fit.fit_all` (default options, as the site does, without the
sensitivity table) and list what moves."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from densing_data.contrib.pr.markdown import md_code, md_text
from densing_data.loader import dataset_from_records
from densing_data.validate import RecordSet

MAX_ROWS = 60
MOVE = 1e-3
"""Relative change of a density below which it does not count as moving."""


def fit_side(records: RecordSet, version: str) -> Any:
    """The :class:`~densing_fit.FitResult` of ``records``, or the :class:`~densing_fit.FitError` text."""
    from densing_fit import FitError, fit_all

    try:
        return fit_all(dataset_from_records(records, version), sensitivity=False)
    except FitError as err:
        return str(err)


def _doubling(result: Any) -> str:
    if isinstance(result, str):
        return f"not fitted: {md_text(result, 160)}"
    trend = result.trend
    months = trend.get("doubling_months")
    if months is None:
        return f"not fitted: {md_text(trend.get('error') or 'no trend', 160)}"
    low, high = trend.get("doubling_months_ci") or (None, None)
    level = trend["bootstrap"]["confidence"]
    interval = "" if low is None or high is None else f" ({level:.0%}: {low:.3g}–{high:.3g})"
    return f"{months:.2f} months{interval}"


def _count(result: Any, key: str) -> str:
    return "–" if isinstance(result, str) else str(result.trend.get(key, "–"))


def _density(value: float) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.3g}"


def moved_densities(base: Any, head: Any) -> pd.DataFrame:
    """Models whose density appears, disappears or changes by more than :data:`MOVE` (relative)."""
    empty = pd.DataFrame(columns=["model", "density_base", "density_head", "frontier"])
    if isinstance(head, str):
        return empty
    after = head.densities[["model", "density", "frontier"]].rename(columns={"density": "density_head"})
    if isinstance(base, str):
        before = pd.DataFrame({"model": after["model"], "density_base": math.nan})
    else:
        before = base.densities[["model", "density"]].rename(columns={"density": "density_base"})
    both = after.merge(before, on="model", how="outer")
    old, new = both["density_base"].astype(float), both["density_head"].astype(float)
    moved = (old.isna() != new.isna()) | ((new / old - 1.0).abs() > MOVE)
    both = both[moved.fillna(False).to_numpy(dtype=bool)].copy()
    ratio = both["density_head"].astype(float) / both["density_base"].astype(float)
    both["order"] = [-abs(math.log(r)) if r > 0 else -math.inf for r in ratio.fillna(0.0)]
    return both.sort_values(["order", "model"], kind="mergesort").drop(columns="order")


def render_fit_changes(base: Any, head: Any) -> list[str]:
    """Markdown lines: the doubling time before and after, then the densities that move."""
    lines = ["### Densities and doubling time", ""]
    if not isinstance(head, str):
        lines += [
            f"Ruler {md_code(head.ruler_id)}, benchmarks "
            f"{', '.join(md_code(b) for b in head.trend.get('benchmarks', []))}.",
            "",
        ]
    lines += [
        "| | Base | This pull request |",
        "|---|---|---|",
        f"| Doubling time | {_doubling(base)} | {_doubling(head)} |",
        f"| Models in the trend | {_count(base, 'n_models')} | {_count(head, 'n_models')} |",
        f"| Frontier models | {_count(base, 'n_frontier')} | {_count(head, 'n_frontier')} |",
        "",
    ]
    moved = moved_densities(base, head)
    if moved.empty:
        return [*lines, "No density moves.", ""]
    lines += [
        f"{len(moved)} densit{'y moves' if len(moved) == 1 else 'ies move'}:",
        "",
        "| Model | Base | This pull request | Change | Frontier |",
        "|---|---:|---:|---:|---|",
    ]
    for row in moved.head(MAX_ROWS).itertuples():
        old, new = float(row.density_base), float(row.density_head)
        change = "new" if math.isnan(old) else ("gone" if math.isnan(new) else f"{new / old - 1:+.1%}")
        frontier = "yes" if row.frontier is True else ""
        lines.append(
            f"| {md_code(str(row.model))} | {_density(old)} | {_density(new)} | {change} | {frontier} |"
        )
    if len(moved) > MAX_ROWS:
        lines += ["", f"… and {len(moved) - MAX_ROWS} more."]
    return [*lines, ""]
