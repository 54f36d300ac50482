""" "Is the law still holding?": the densing-law fit with and without the models the newest data
release added, and where the added models fall against the line fitted before them."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from densing_site.text.formatting import doubling_words, fmt_date, number

__all__ = ["release_check"]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _line_at(slope: float | None, intercept: float | None, t0: Any, released: pd.Timestamp) -> float | None:
    if slope is None or intercept is None or not t0:
        return None
    return math.exp(intercept + slope * (released - pd.Timestamp(t0)).days)


def _placed(
    table: pd.DataFrame, model: str, density: float | None, line: tuple[float | None, float | None, Any]
) -> dict[str, Any]:
    """The fields every placed model shows: name, release date, density and the line at that date."""
    released = pd.Timestamp(table.at[model, "release_date"])
    return {
        "model": model,
        "name": table.at[model, "name"],
        "released": fmt_date(released.date()),
        "density": density,
        "expected": _line_at(*line, released),
    }


def _bound_rows(
    without: dict[str, Any], table: pd.DataFrame, line: tuple[float | None, float | None, Any]
) -> list[dict[str, Any]]:
    """The added models read only as a bound, each placed against the line fitted without them:
    ``side`` is ``"above"`` (a lower bound over the line), ``"below"`` (an upper bound under it) or
    ``"undecided"``."""
    out = []
    for bound in without.get("added_bounds") or []:
        model = bound.get("model")
        if model not in table.index:
            continue
        row = _placed(table, model, number(bound.get("density")), line)
        density, expected = row["density"], row["expected"]
        at_least = bound.get("bound") == "at_least"
        side = "undecided"
        if density is not None and expected is not None:
            if at_least and density >= expected:
                side = "above"
            elif not at_least and density < expected:
                side = "below"
        out.append(row | {"at_least": at_least, "side": side})
    return sorted(out, key=lambda r: (r["released"], r["model"]))


def _bounds_sentence(bounds: list[dict[str, Any]]) -> str:
    above = sum(r["side"] == "above" for r in bounds)
    below = sum(r["side"] == "below" for r in bounds)
    rest = len(bounds) - above - below
    return (
        f"{_count(len(bounds), 'more added model')} {'reads' if len(bounds) == 1 else 'read'} only as a "
        f"bound, beyond the ruler's range: {above} {'is' if above == 1 else 'are'} at least as dense as "
        f"that line (a lower bound above it), {below} below it (an upper bound under it), and for {rest} "
        "the bound does not decide."
    )


def release_check(trend: dict[str, Any], densities: pd.DataFrame, confidence: float | None) -> dict[str, Any]:
    """Sentences and rows for the densing-law page; ``{"available": False}`` when the fit has no
    previous release to compare with (trend.json's ``without_added`` is null)."""
    without = trend.get("without_added")
    if not without:
        return {"available": False}
    added = set(without.get("added") or [])
    table = densities.set_index("model")
    rows = []
    line = (number(without.get("slope_per_day")), number(without.get("intercept")), without.get("t0"))
    for model in sorted(added, key=lambda m: (str(table.at[m, "release_date"]), m)):
        row = _placed(table, model, number(table.at[model, "density"]), line)
        density, expected = row["density"], row["expected"]
        rows.append(
            row
            | {
                "ratio": None if expected in (None, 0) or density is None else density / expected,
                "frontier": str(table.at[model, "frontier"]).lower() == "true",
            }
        )
    bounds = _bound_rows(without, table, line)
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
    if bounds:
        verdict += " " + _bounds_sentence(bounds)
    return {
        "available": True,
        "bounds": bounds,
        "release": without["release"],
        "with_words": with_words,
        "without_words": without_words,
        "with_fit": trend,
        "without_fit": without,
        "rows": rows,
        "verdict": verdict,
    }
