"""The compression page: compressed or derived models against their parents (compression.csv)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from densing_site.charts import charts
from densing_site.charts.density import BOUND_SHAPES
from densing_site.citing.cite_boxes import cite_context, compression_citation
from densing_site.render import PageWriter, root_prefix
from densing_site.sitedata import SiteData
from densing_site.text.formatting import bound_side, bound_words, fmt_number, interval_words, number
from densing_site.text.tables import rows

PAGE = "compression.md"


def compression_pairs(data: SiteData, root: str) -> pd.DataFrame:
    """Parent and child of each compressed model with both densities, as the chart plots them."""
    points = []
    for row in rows(data.fit.compression):
        child, parent = number(row["density"]), number(row["parent_density"])
        if not child or not parent or child <= 0 or parent <= 0:
            continue
        points.append(_pair_point(row, "parent", root))
        points.append(_pair_point(row, "compressed", root))
    return pd.DataFrame(points, columns=list(PAIR_COLUMNS))


def _pair_point(row: dict[str, Any], role: str, root: str) -> dict[str, Any]:
    """The parent (``role="parent"``) or the compressed child of a compression.csv row."""
    prefix = "parent_" if role == "parent" else ""
    model = row["parent"] if role == "parent" else row["model"]
    flags, density = row.get(f"{prefix}flags"), number(row[f"{prefix}density"])
    side = bound_side(flags)
    return {
        "pair": row["model"],
        "role": role,
        "name": row[f"{prefix}name"],
        "params": number(row[f"{prefix}params"]),
        "density": density,
        "density_text": bound_words(flags) + fmt_number(density),
        "interval": interval_words(row.get(f"{prefix}density_low"), row.get(f"{prefix}density_high"), flags),
        "bound": side or "",
        "shape": BOUND_SHAPES.get(side or "", ""),
        "url": f"{root}models/{model}/",
    }


PAIR_COLUMNS = (
    "pair",
    "role",
    "name",
    "params",
    "density",
    "density_text",
    "interval",
    "bound",
    "shape",
    "url",
)
"""The compression chart's point columns (``bound``: ``lower``/``upper``/empty, ``shape`` its marker)."""


def ratio_bound(flags: Any, parent_flags: Any) -> str | None:
    """Which bound the density ratio (child over parent) is when a reading is a bound: ``lower``
    (the ratio is at least the value), ``upper``, ``both`` (both readings bound on the same side: the
    ratio is bounded neither way) or None (both exact)."""
    child, parent = bound_side(flags), bound_side(parent_flags)
    if not child and not parent:
        return None
    flip = {"lower": "upper", "upper": "lower"}
    sides = {child, flip.get(parent or "")} - {None, ""}
    return sides.pop() if len(sides) == 1 else "both"


def table_rows(data: SiteData) -> list[dict[str, Any]]:
    """compression.csv's rows with their bound sides and the benchmarks read from mixed sources."""
    out = []
    for row in rows(data.fit.compression):
        mixed = [b for b in str(row.get("mixed_source_benchmarks") or "").split(";") if b]
        out.append(
            row | {"ratio_bound": ratio_bound(row.get("flags"), row.get("parent_flags")), "mixed": mixed}
        )
    return out


VERDICT_WORDS = {
    "yes": "denser than its parent",
    "no": "less dense than its parent",
    "unclear": "not clearly different (the interval includes 1)",
}
"""``denser_than_parent`` in words."""


def compression_summary(table: list[dict[str, Any]]) -> str:
    """One plain-words paragraph: how many pairs are read on both sides, which are denser, and which
    read the child and its parent from different sources."""
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
    mixed = [r["name"] for r in both if r.get("same_source") == "no"]
    if mixed:
        parts.append(
            f"{', '.join(mixed)} {'is' if len(mixed) == 1 else 'are'} read from other sources than "
            f"{'its parent' if len(mixed) == 1 else 'their parents'} on some benchmark (flagged in the "
            "table): two labs' pipelines can differ by more than the compression, so that comparison is "
            "weaker."
        )
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
    table = table_rows(data)
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
            "bounds_shown": sorted(set(pairs["bound"]) - {""}),
        },
    )
