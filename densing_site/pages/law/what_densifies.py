"""The "What densifies?" page: the densing law per capability group, one track at a time.

One chart (a line per group with its 90% band, frontier models as dots, bounds as triangles; a select
switches the track), a table of each group's doubling times with their intervals, models and period,
the knowledge group against Incompressible Knowledge Probes, the MMLU-CF check, and a few plain
sentences built from the numbers. Everything comes from capabilities.json and capabilities.csv; when
the fit outputs hold none the page says so.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from densing_site.charts import charts
from densing_site.charts.capability import LINE_COLUMNS, POINT_COLUMNS, capability_chart
from densing_site.inputs.capability_outputs import Capabilities, read_capabilities
from densing_site.pages.leaderboard import chart_file_name
from densing_site.render import PageWriter, root_prefix
from densing_site.sitedata import SiteData
from densing_site.text.capability_words import (
    adjusted_words,
    choosing_sentences,
    fit_words,
    knowledge_sentence,
    slope_words,
    track_sentences,
)
from densing_site.text.formatting import fmt_date, fmt_interval, number
from densing_site.text.tables import rows

PAGE = "what-densifies.md"
KINDS = {"at_least": "at least", "at_most": "at most"}
CSV_COLUMNS = (
    ("model", "model"),
    ("name", "name"),
    ("track", "track"),
    ("capability", "group"),
    ("released", "released"),
    ("density", "density"),
    ("density 90% interval", "interval"),
    ("reading", "kind"),
)
"""The chart's CSV download: (header, point column), the readings of the track shown."""
CHART_DESCRIPTION = (
    "Density against release date on a log axis for each capability group of the track shown: each "
    "group's fitted frontier line with its 90% band, its frontier models as dots, its other readings "
    "faint, and readings that are only bounds as triangles. A control under the chart switches the track."
)
"""The chart's alternative text (static: no record text)."""


def chart_points(caps: Capabilities, labels: dict[str, str], root: str) -> pd.DataFrame:
    """The readings the chart draws: those in a group's trend (frontier or not) and the base models'
    bounds (``kind`` ``at least`` / ``at most``), each with its group's label."""
    points = []
    for row in rows(caps.readings):
        density = number(row["density"])
        if density is None or density <= 0 or not row.get("release_date"):
            continue
        if row["in_trend"]:
            kind = "frontier" if row["frontier"] else "in trend"
        elif row.get("kind") == "base" and row["bound"] in KINDS and "reference_model" not in row["flags"]:
            kind = KINDS[row["bound"]]
        else:
            continue
        interval = fmt_interval(row.get("density_low"), row.get("density_high")) or f"{kind} (a bound)"
        points.append(
            {
                "model": row["model"],
                "name": row["name"],
                "track": row["track"],
                "group": labels.get(row["group"], row["group"]),
                "date": fmt_date(row["release_date"]),
                "released": fmt_date(row["release_date"]),
                "density": density,
                "interval": interval,
                "kind": kind,
                "url": f"{root}models/{row['model']}/",
            }
        )
    return pd.DataFrame(points, columns=list(POINT_COLUMNS))


def chart_lines(document: dict[str, Any], labels: dict[str, str]) -> pd.DataFrame:
    """Every fitted group's frontier line and band, marked with its track and group label."""
    out = [
        {"track": entry["track"], "group": labels.get(group["id"], group["id"])} | point
        for entry in document["tracks"]
        for group in entry["groups"]
        for point in group.get("line") or []
    ]
    return pd.DataFrame(out, columns=list(LINE_COLUMNS))


def group_rows(entry: dict[str, Any], labels: dict[str, str]) -> list[dict[str, Any]]:
    """The table of one track: one row per group it reads (groups it cannot read are named below it)."""
    out = []
    for group in entry["groups"]:
        if group["status"] == "not_read":
            continue
        period = group.get("period") or {}
        out.append(
            {
                "label": labels.get(group["id"], group["id"]),
                "benchmarks": group["benchmarks"],
                "n_models": group["n_models"],
                "n_frontier": (group.get("frontier") or {}).get("n_frontier"),
                "period": (period["first"], period["last"]) if period else None,
                "frontier": fit_words(group.get("frontier")),
                "all_models": fit_words(group.get("all_models")),
                "size_adjusted": adjusted_words(group.get("size_adjusted")),
                "too_few": group["status"] != "fitted",
            }
        )
    return out


def ordered_tracks(document: dict[str, Any], default: str) -> list[dict[str, Any]]:
    """The tracks of capabilities.json, the leaderboard's default first."""
    return sorted(document["tracks"], key=lambda e: e["track"] != default)


def ikp_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The knowledge group of every track against IKP, as table rows."""
    what = {"size_adjusted": "at equal size", "all_models": "all models", "frontier": "frontier"}
    return [
        {
            "track": r["track"],
            "benchmarks": r["benchmarks"],
            "fit": what[r["fit"]],
            "n_models": r["n_models"],
            "slope": slope_words(*r["slope_per_day_ci"], r["slope_per_day"]),
            "agrees": r["agrees_with_ikp"],
        }
        for r in document["knowledge_vs_ikp"]["comparisons"]
    ]


def write_what_densifies(writer: PageWriter, data: SiteData) -> None:
    """Write the page (and its chart, when the fit outputs hold per-capability fits)."""
    caps = read_capabilities(data.fit_dir)
    context: dict[str, Any] = {"caps": None, "version": data.ds.version}
    if caps is not None:
        context = page_context(writer, data, caps)
    writer.render_page(
        PAGE, "what_densifies.md.j2", title="What densifies?", charts=caps is not None, context=context
    )


def page_context(writer: PageWriter, data: SiteData, caps: Capabilities) -> dict[str, Any]:
    """Everything the template shows, and the chart written to charts/what-densifies.svg."""
    document = caps.document
    labels = {g["id"]: g["label"] for g in document["groups"]}
    tracks = ordered_tracks(document, data.fit.default_track)
    version = document.get("data_version") or data.ds.version
    lines = chart_lines(document, labels)
    drawn = [t for t in tracks if (lines["track"] == t["track"]).any()] or tracks[:1]
    points = chart_points(caps, labels, root_prefix(PAGE))
    chart = charts.save_chart(
        writer,
        "what-densifies",
        capability_chart(
            points[points["track"].isin([t["track"] for t in drawn])],
            lines,
            tracks=[(t["track"], t["label"]) for t in drawn],
            groups=[g["label"] for g in document["groups"]],
            version=version,
        ),
        CHART_DESCRIPTION,
        download=chart_file_name("what-densifies", "{track}", version, "svg"),
        default_track=drawn[0]["track"] if drawn else "",
        csv_columns=CSV_COLUMNS,
    )
    variants = [
        {
            "id": t["track"],
            "label": t["label"],
            "ruler": t["ruler"],
            "capability_only": t["capability_only"],
            "shown": i == 0,
            "rows": group_rows(t, labels),
            "sentences": track_sentences(t, labels),
            "left_out": [(labels[g["id"]].lower(), x) for g in t["groups"] for x in g.get("left_out") or []],
        }
        for i, t in enumerate(tracks)
    ]
    return {
        "caps": document,
        "version": version,
        "chart": chart,
        "variants": variants,
        "groups": document["groups"],
        "knowledge": knowledge_sentence(document),
        "choosing": choosing_sentences(document, labels),
        "ikp": document["knowledge_vs_ikp"]["ikp"],
        "ikp_rows": ikp_rows(document),
        "contamination": document["contamination"],
        "minimum": document.get("minimum") or {},
    }
