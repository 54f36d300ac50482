"""The ruler page: each ruler's fitted curve per benchmark, with its points, parameters and fit quality,
its extrapolation back-test and, for a chained ruler, each benchmark's chain link."""

from __future__ import annotations

from typing import Any

from densing_site.charts import charts
from densing_site.citing.cite_boxes import CiteContext, cite_context, ruler_citation
from densing_site.pages.reference.ruler_checks import backtest_view, chain_links
from densing_site.render import PageWriter
from densing_site.sitedata import SiteData
from densing_site.text.tables import rows

PAGE = "ruler.md"


def ordered_rulers(data: SiteData) -> list[tuple[str, dict[str, Any]]]:
    """Rulers from rulers.json (ruler.json alone if that is all there is), the default one first."""
    rulers = dict(data.fit.rulers) or {data.fit.ruler["ruler"]: data.fit.ruler}
    default = data.fit.ruler.get("ruler")
    return sorted(rulers.items(), key=lambda item: (item[0] != default, item[0]))


def _benchmark_section(
    writer: PageWriter, cite: CiteContext, ruler_id: str, bench: str, fit: dict[str, Any], tracks: list[str]
) -> dict[str, Any]:
    """One benchmark of a ruler: its chart (titled and named with the ruler, the tracks that read it
    and the data version), fitted parameters, points and citation."""
    if fit.get("error"):
        return {"id": bench, "error": str(fit["error"]), "fit": fit}
    readers = f", read by the {', '.join(tracks)} track{'s' if len(tracks) > 1 else ''}" if tracks else ""
    title = f"Ruler {ruler_id} on {bench}{readers}, data version {cite.version}"
    chart = charts.save_chart(
        writer,
        f"ruler-{ruler_id}--{bench}",
        charts.ruler_chart(
            fit.get("curve") or [], fit.get("points") or [], fit.get("held_out") or []
        ).properties(title=charts.chart_title(title)),
        f"Fitted score curve of ruler {ruler_id} on benchmark {bench} against parameters, "
        "with the reference points it was fitted on.",
        download=f"ruler-{ruler_id}--{bench}-{cite.version}.svg",
    )
    params = fit.get("params") or {}
    stderr = fit.get("stderr") or {}
    return {
        "id": bench,
        "links": chain_links(bench, fit),
        "chart": chart,
        "fit": fit,
        "params": [{"name": k, "value": params[k], "stderr": stderr.get(k)} for k in sorted(params)],
        "points": fit.get("points") or [],
        "held_out": fit.get("held_out") or [],
        "cite": ruler_citation(cite, ruler_id, bench, fit, tracks),
    }


def write_rulers(writer: PageWriter, data: SiteData) -> None:
    """Write the ruler page and one chart per ruler and benchmark."""
    records = {r["id"]: r for r in rows(data.ds.rulers)}
    bench_names = dict(zip(data.ds.benchmarks["id"], data.ds.benchmarks["name"], strict=True))
    sections = []
    cite = cite_context(data)
    for ruler_id, ruler in ordered_rulers(data):
        benchmarks = ruler.get("benchmarks") or {}
        tracks = [t.id for t in data.fit.tracks if t.ruler == ruler_id]
        parts = [
            _benchmark_section(writer, cite, ruler_id, b, benchmarks[b], tracks) for b in sorted(benchmarks)
        ]
        sections.append(
            {
                "id": ruler_id,
                "ruler": ruler,
                "record": records.get(ruler_id),
                "default": ruler_id == data.fit.ruler.get("ruler"),
                "backtest": backtest_view(ruler),
                "chain": [c for c in ruler.get("chain") or [] if isinstance(c, dict)],
                "links": [link for b in parts for link in b.get("links") or []],
                "benchmarks": parts,
            }
        )
    writer.render_page(
        PAGE,
        "ruler.md.j2",
        title="Ruler",
        charts=True,
        context={"sections": sections, "bench_names": bench_names},
    )
