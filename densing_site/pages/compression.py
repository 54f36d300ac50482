"""The compression page: compressed or derived models against their parents (compression.csv)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from densing_site import charts
from densing_site.cite_boxes import cite_context, compression_citation
from densing_site.formatting import fmt_interval, number
from densing_site.render import PageWriter, root_prefix
from densing_site.sitedata import SiteData
from densing_site.tables import rows

PAGE = "compression.md"


def compression_pairs(data: SiteData, root: str) -> pd.DataFrame:
    """Parent and child of each compressed model with both densities, as the chart plots them."""
    points = []
    for row in rows(data.fit.compression):
        child, parent = number(row["density"]), number(row["parent_density"])
        if not child or not parent or child <= 0 or parent <= 0:
            continue
        parent_interval = fmt_interval(row.get("parent_density_low"), row.get("parent_density_high"))
        child_interval = fmt_interval(row.get("density_low"), row.get("density_high"))
        for role, model, name, params, density, interval in (
            ("parent", row["parent"], row["parent_name"], row["parent_params"], parent, parent_interval),
            ("compressed", row["model"], row["name"], row["params"], child, child_interval),
        ):
            points.append(
                {
                    "pair": row["model"],
                    "role": role,
                    "name": name,
                    "params": number(params),
                    "density": density,
                    "interval": interval or "none",
                    "url": f"{root}models/{model}/",
                }
            )
    return pd.DataFrame(points, columns=["pair", "role", "name", "params", "density", "interval", "url"])


VERDICT_WORDS = {
    "yes": "denser than its parent",
    "no": "less dense than its parent",
    "unclear": "not clearly different (the interval includes 1)",
}
"""``denser_than_parent`` in words."""


def compression_summary(table: list[dict[str, Any]]) -> str:
    """One plain-words paragraph: how many pairs are read on both sides, and which are denser."""
    both = [r for r in table if r.get("denser_than_parent")]
    if not both:
        return "No compressed model and its parent both have a density on this track yet."
    groups = {key: [r["name"] for r in both if r["denser_than_parent"] == key] for key in VERDICT_WORDS}
    parts = [
        f"{len(both)} of {len(table)} compressed models have a density on this track, "
        "and so do their parents."
    ]
    for key in ("yes", "no", "unclear"):
        names = groups[key]
        if names:
            verb = "is" if len(names) == 1 else "are"
            parts.append(f"{', '.join(names)} {verb} {VERDICT_WORDS[key]}.")
    parts.append(
        "The paper found that, of the compressed models it studied, only Gemma-2-9B was denser than its "
        "parent. A reading flagged as a bound or with unstated settings (see the flags column) makes its "
        "pair's comparison weaker."
    )
    return " ".join(parts)


def used_flags(table: list[dict[str, Any]], data: SiteData) -> list[tuple[str, str]]:
    """(flag, explanation) for every flag on the page, for its tooltips and legend."""
    found = {f for r in table for key in ("flags", "parent_flags") for f in str(r.get(key) or "").split(";")}
    return [(f, data.fit.flag_text(f)) for f in sorted(found) if f]


def write_compression(writer: PageWriter, data: SiteData) -> None:
    """Write the compression page (with a chart when any pair has both densities)."""
    pairs = compression_pairs(data, root_prefix(PAGE))
    table = rows(data.fit.compression)
    flags = used_flags(table, data)
    cite, track = cite_context(data), data.fit.track()  # compression.csv: the main (default) track
    chart = None
    if len(pairs):
        title = (
            f"Compressed models and their parents, {track.label} track ({track.id}), "
            f"data version {cite.version}"
        )
        chart = charts.save_chart(
            writer,
            "compression",
            charts.compression_chart(pairs).properties(title=charts.chart_title(title)),
            "Density against parameters of compressed models and their parents, each pair joined by a line.",
            download=f"compression-{track.id}-{cite.version}.svg",
        )
    writer.render_page(
        PAGE,
        "compression.md.j2",
        title="Compression",
        charts=chart is not None,
        hide=("navigation", "toc"),  # a nine-column table: the whole width, not a third of it
        context={
            "chart": chart,
            "cite": compression_citation(cite, table, track),
            "rows": table,
            "summary": compression_summary(table),
            "verdicts": VERDICT_WORDS,
            "flags": flags,
            "flag_text": dict(flags),
        },
    )
