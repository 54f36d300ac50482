"""The benchmarks page: each benchmark's scale, citation, coverage and the rulers that use it."""

from __future__ import annotations

from typing import Any

from densing_site.render import PageWriter
from densing_site.sitedata import SiteData
from densing_site.text.tables import rows

PAGE = "benchmarks.md"


def benchmark_rows(data: SiteData) -> list[dict[str, Any]]:
    """Benchmark records with counts of scores, models and protocols, and the rulers using each."""
    scores = data.ds.scores
    used_by: dict[str, list[str]] = {}
    for ruler in rows(data.ds.rulers):
        for bench in ruler["benchmarks"] or []:
            used_by.setdefault(bench, []).append(ruler["id"])
    out = []
    for bench in rows(data.ds.benchmarks.sort_values("id", kind="stable")):
        mine = scores[scores["benchmark"] == bench["id"]]
        out.append(
            bench
            | {
                "n_scores": len(mine),
                "n_models": mine["model"].nunique(),
                "protocols": sorted(mine["protocol"].dropna().unique().tolist()),
                "rulers": sorted(used_by.get(bench["id"], [])),
            }
        )
    return out


def write_benchmarks(writer: PageWriter, data: SiteData) -> None:
    """Write the benchmarks page."""
    writer.render_page(
        PAGE, "benchmarks.md.j2", title="Benchmarks", context={"benchmarks": benchmark_rows(data)}
    )
