""" "Is the law still holding?": the densing-law fit with and without the models the newest data
release added, and where the added models fall against the line fitted before them."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from densing_site.formatting import doubling_words, fmt_date, number

__all__ = ["release_check"]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def release_check(trend: dict[str, Any], densities: pd.DataFrame, confidence: float | None) -> dict[str, Any]:
    """Sentences and rows for the densing-law page; ``{"available": False}`` when the fit has no
    previous release to compare with (trend.json's ``without_added`` is null)."""
    without = trend.get("without_added")
    if not without:
        return {"available": False}
    added = set(without.get("added") or [])
    table = densities.set_index("model")
    rows = []
    slope, intercept = number(without.get("slope_per_day")), number(without.get("intercept"))
    t0 = without.get("t0")
    for model in sorted(added, key=lambda m: (str(table.at[m, "release_date"]), m)):
        released = pd.Timestamp(table.at[model, "release_date"])
        density = number(table.at[model, "density"])
        expected = None
        if slope is not None and intercept is not None and t0:
            expected = math.exp(intercept + slope * (released - pd.Timestamp(t0)).days)
        rows.append(
            {
                "model": model,
                "name": table.at[model, "name"],
                "released": fmt_date(released.date()),
                "density": density,
                "expected": expected,
                "ratio": None if expected in (None, 0) or density is None else density / expected,
                "frontier": str(table.at[model, "frontier"]).lower() == "true",
            }
        )
    above = [r for r in rows if r["ratio"] is not None and r["ratio"] >= 1]
    new_frontier = [r for r in rows if r["frontier"]]
    with_words = doubling_words(trend, confidence)
    without_words = doubling_words(without, confidence)
    if not rows:
        verdict = (
            f"No model added since release {without['release']} enters this track's trend, so the fit "
            "is the same with and without them."
        )
    else:
        best = max(rows, key=lambda r: r["ratio"] or 0.0)
        verdict = (
            f"{_count(len(rows), 'model')} added since release {without['release']} "
            f"{'enters' if len(rows) == 1 else 'enter'} the trend; {len(new_frontier)} of them "
            f"{'sets' if len(new_frontier) == 1 else 'set'} a new maximum density, and {len(above)} "
            f"{'reaches' if len(above) == 1 else 'reach'} the line fitted without them at "
            f"{'its' if len(rows) == 1 else 'their'} release date"
        )
        if best["ratio"] is not None:
            verdict += (
                f"; the closest, {best['name']} ({best['released']}), has density "
                f"{best['density']:.3g} against {best['expected']:.3g} on that line "
                f"({best['ratio']:.2g} times)."
            )
        else:
            verdict += "."
    return {
        "available": True,
        "release": without["release"],
        "with_words": with_words,
        "without_words": without_words,
        "with_fit": trend,
        "without_fit": without,
        "rows": rows,
        "verdict": verdict,
    }
