"""The leaderboard (the home page): every model, sortable and filterable, with the view in the URL."""

from __future__ import annotations

from typing import Any

from densing_site.formatting import doubling_words, number
from densing_site.render import PageWriter
from densing_site.sitedata import SiteData
from densing_site.tables import rows, split_flags

PAGE = "index.md"


def leaderboard_rows(data: SiteData) -> list[dict[str, Any]]:
    """One row per model from densities.csv, densest first (models without a density last)."""
    benchmarks = data.fit.benchmarks
    out = []
    for row in rows(data.fit.densities):
        row["flag_list"] = split_flags(row["flags"])
        row["scores"] = [
            {"benchmark": b, "value": row.get(f"{b}_score"), "flag": row.get(f"{b}_flag") or ""}
            for b in benchmarks
        ]
        out.append(row)
    out.sort(key=lambda r: (number(r["density"]) is None, -(number(r["density"]) or 0.0), r["model"]))
    return out


def write_leaderboard(writer: PageWriter, data: SiteData) -> None:
    """Write the leaderboard page."""
    table = leaderboard_rows(data)
    flags = sorted({f for r in table for f in r["flag_list"]})
    writer.render_page(
        PAGE,
        "leaderboard.md.j2",
        title="Leaderboard",
        hide=("navigation", "toc"),
        raw_html=True,
        context={
            "rows": table,
            "benchmarks": data.fit.benchmarks,
            "aggregate": set(data.fit.aggregate_benchmarks),
            "benchmark_names": _benchmark_names(data),
            "families": sorted({r["family"] for r in table if r["family"]}),
            "kinds": sorted({r["kind"] for r in table if r["kind"]}),
            "flags": flags,
            "version": data.ds.version,
            "ruler": data.fit.trend.get("ruler", ""),
            "doubling": doubling_words(data.fit.trend, _confidence(data.fit.trend)),
        },
    )


def _benchmark_names(data: SiteData) -> dict[str, str]:
    names = dict(zip(data.ds.benchmarks["id"], data.ds.benchmarks["name"], strict=True))
    return {b: names.get(b, b) for b in data.fit.benchmarks}


def _confidence(trend: dict[str, Any]) -> float | None:
    return number((trend.get("bootstrap") or {}).get("confidence"))
