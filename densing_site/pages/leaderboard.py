"""The leaderboard (the home page, on the default track) and one leaderboard per other track.

The first view is one a reader can cite: only ``citable`` readings of the track (base models, inside
the ruler's range, matched protocol, with an interval), ranked, with one click to show every row; the
headline chart (density over time, fitted frontier and band) sits above the table as static SVG.
"""

from __future__ import annotations

from typing import Any

from densing_site.charts import svg as svgchart
from densing_site.citing.cite_boxes import cite_context, trend_citation
from densing_site.citing.links import PAPER_URL, REPO_URL, SITE_URL
from densing_site.inputs.fit_tracks import Track
from densing_site.pages.law.eras import headline
from densing_site.pages.law.verdict import verdict_views
from densing_site.render import PageWriter, environment, root_prefix
from densing_site.sitedata import SiteData
from densing_site.text.formatting import bound_side, fmt_date, fmt_interval, fmt_params, number
from densing_site.text.tables import rows, split_flags

PAGE = "index.md"


def track_page(track_id: str, default: str) -> str:
    """Source path of a track's leaderboard (the default track's is the home page)."""
    return PAGE if track_id == default else f"track/{track_id}.md"


def rest_rows_path(track_id: str, default: str) -> str:
    """Where a track's non-citable rows go: ``rows.html`` next to its page's ``index.html``, so the
    links in it are relative to the page that loads it."""
    return f"{track_url(track_id, default)}rows.html"


def track_url(track_id: str, default: str) -> str:
    """URL of a track's leaderboard relative to the site root."""
    return "" if track_id == default else f"track/{track_id}/"


def leaderboard_rows(data: SiteData, track: Track | None = None) -> list[dict[str, Any]]:
    """One row per model of the track, ranked rows first, then the rest densest first."""
    track = track or data.fit.track()
    benchmarks = track_benchmarks(track)
    out = []
    for row in rows(track.densities):
        row["flag_list"] = [(f, data.fit.flag_text(f)) for f in split_flags(row["flags"])]
        row["scores"] = [
            {
                "benchmark": b,
                "value": row.get(f"{b}_score"),
                "flags": [(f, data.fit.flag_text(f)) for f in split_flags(row.get(f"{b}_flag"))],
            }
            for b in benchmarks
        ]
        for key in ("rank", "rank_low", "rank_high"):  # a range only with a rank
            row[key] = None if number(row.get(key)) is None or row["rank"] is None else int(number(row[key]))
        rank_active = number(row.get("rank_active"))
        row["rank_active"] = None if rank_active is None else int(rank_active)
        row["bound"] = bound_side(row["flags"])
        out.append(row)
    out.sort(
        key=lambda r: (
            r["rank"] is None,
            r["rank"] or 0,
            number(r["density"]) is None,
            -(number(r["density"]) or 0.0),
            r["model"],
        )
    )
    return out


def track_benchmarks(track: Track) -> list[str]:
    """Benchmarks with per-benchmark columns in the track's densities.csv, in the track's order."""
    columns = set(track.densities.columns)
    present = {c[: -len("_score")] for c in columns if c.endswith("_score")}
    present = {b for b in present if f"{b}_effective_params" in columns}
    order = [b for b in track.benchmarks if b in present]
    return order + sorted(present - set(order))


def chart_points(track: Track, root: str) -> list[dict[str, Any]]:
    """The track's models with a positive density, as the trend charts plot them."""
    points = []
    for row in rows(track.densities):
        density = number(row["density"])
        if density is None or density <= 0 or not row.get("release_date"):
            continue
        status = "frontier" if row["frontier"] else "in trend" if row["in_trend"] else "not in trend"
        date = fmt_date(row["release_date"])
        points.append(
            {
                "model": row["model"],
                "name": row["name"],
                "date": date,
                "density": density,
                "bound": bound_side(row.get("flags")) or "",
                "status": status,
                "family": row.get("family") or "",
                "organization": row.get("organization") or "",
                "url": f"{root}models/{row['model']}/",
                "tip": f"{row['name']} · released {date} · {density_tip(row)} · "
                f"{fmt_params(row['params'])} params, reads as {fmt_params(row['effective_params'])}"
                f" · {status}",
            }
        )
    return points


def density_tip(row: dict[str, Any]) -> str:
    """``density 0.52 (90% interval 0.41–0.66)``, ``density at most 0.02 (an upper bound: no 90%
    interval)``: a point's density as a chart's hover text gives it."""
    density = number(row.get("density"))
    side = bound_side(row.get("flags"))
    if side:
        words, kind = ("at least", "a lower") if side == "lower" else ("at most", "an upper")
        return f"density {words} {density:.3g} ({kind} bound: no 90% interval)"
    interval = fmt_interval(row.get("density_low"), row.get("density_high"))
    return f"density {density:.3g}" + (f" (90% interval {interval})" if interval else "")


def last_updated(data: SiteData) -> str:
    """The newest ``recorded`` date of any score: when the data last changed."""
    dates = data.ds.scores["recorded"].dropna() if "recorded" in data.ds.scores else []
    return fmt_date(max(dates)) if len(dates) else ""


def write_leaderboard(writer: PageWriter, data: SiteData) -> None:
    """Write the leaderboard of every track (the default track's is the home page)."""
    default = data.fit.default_track
    cite = cite_context(data)
    verdicts = verdict_views(list(data.fit.tracks), cite.confidence)
    switch = [
        {"id": t.id, "label": t.label, "url": track_url(t.id, default), "n": t.n_citable}
        for t in data.fit.tracks
    ]
    for track in data.fit.tracks:
        page = track_page(track.id, default)
        root = root_prefix(page)
        table = leaderboard_rows(data, track)
        title = "Leaderboard" if track.id == default else f"Leaderboard, {track.label} track"
        rest = environment().get_template("leaderboard_rows.html.j2")
        writer.write_text(
            rest_rows_path(track.id, default),
            rest.render(rows=table, root=root, title=title, version=data.ds.version),
        )
        flags = sorted(
            {f for r in table for f in r["flag_list"]}
            | {f for r in table for s in r["scores"] for f in s["flags"]}
        )
        writer.render_page(
            page,
            "leaderboard.md.j2",
            title=title,
            hide=("navigation", "toc"),
            raw_html=True,
            inline_styles=True,
            scripts=("compare-pick.js",),
            context={
                "rows": table,
                "rest_url": "rows.html",
                "track": track,
                "is_default": track.id == default,
                "default_reason": data.fit.default_reason,
                "switch": switch,
                "benchmarks": [s["benchmark"] for s in table[0]["scores"]] if table else [],
                "aggregate": set(track.trend.get("benchmarks") or data.fit.aggregate_benchmarks),
                "benchmark_names": _benchmark_names(data),
                "families": sorted({r["family"] for r in table if r["family"]}),
                "organizations": sorted({r["organization"] for r in table if r["organization"]}),
                "kinds": sorted({r["kind"] for r in table if r["kind"]}),
                "flags": flags,
                "flag_texts": dict(flags),
                "n_citable": sum(1 for r in table if r["citable"]),
                "version": data.ds.version,
                "unreleased": data.unreleased,
                "updated": last_updated(data),
                "paper_url": PAPER_URL,
                "repo_url": REPO_URL,
                "trend": track.trend,
                "cite": trend_citation(cite, track, track_url(track.id, default)),
                "headline": headline(track, cite.confidence),
                "verdict": verdicts[track.id],
                "moe": any(r.get("params_active") for r in table),
                **chart_context(writer, data, track, root),
            },
        )


def chart_context(writer: PageWriter, data: SiteData, track: Track, root: str) -> dict[str, Any]:
    """The headline chart of a track's leaderboard: its wide and phone renderings, its download, and
    what its legend must explain (the ChatGPT rule, bounds, the dashed extrapolation)."""
    points = chart_points(track, root)
    line, cut = track.trend.get("line") or [], (track.trend.get("cut") or {}).get("date")
    extension = track.trend.get("line_extension") or []
    wide = svgchart.trend_svg(points, line, cut, extension=extension, size=svgchart.WIDE)
    compact = svgchart.trend_svg(
        points, line, cut, extension=extension, size=svgchart.COMPACT, tips=False, groups=False
    )
    return {
        "chart_wide": wide,
        "chart_compact": compact,
        "chart_download": write_chart_file(writer, data, track, line, cut),
        # the legend names the ChatGPT rule, bounds and the extrapolation only when the chart has them
        "cut_shown": 'class="cut"' in wide,
        "bounds_shown": sorted({p["bound"] for p in points if p["bound"]}),
        "extension_shown": "fit-ext" in wide,
        "status_colors": svgchart.STATUS_COLORS,
    }


def chart_file_name(kind: str, track_id: str, version: str, ext: str) -> str:
    """The name a downloaded chart is saved under: ``densing-law-paper-settings-2026.12.3.svg``."""
    return f"{kind}-{track_id}-{version}.{ext}"


def write_chart_file(
    writer: PageWriter, data: SiteData, track: Track, line: list[dict[str, Any]], cut: str | None
) -> dict[str, str]:
    """Write the track's headline chart as a file of its own (``charts/trend-<track>.svg``: titled with
    the track and data version, styled inline, points linking to the published model pages) and
    return its path and the name a download saves it under."""
    version = data.ds.version
    points = [p | {"url": f"{SITE_URL}models/{p['model']}/"} for p in chart_points(track, "")]
    title = f"Density over release date, {track.label} track ({track.id}), data version {version}"
    extension = track.trend.get("line_extension") or []
    svg = svgchart.standalone_svg(
        svgchart.trend_svg(points, line, cut, extension=extension, size=svgchart.WIDE, label=title), title
    )
    path = f"charts/trend-{track.id}.svg"
    if svg:
        writer.write_text(path, svg)
    return {"path": path if svg else "", "name": chart_file_name("densing-law", track.id, version, "svg")}


def _benchmark_names(data: SiteData) -> dict[str, str]:
    names = dict(zip(data.ds.benchmarks["id"], data.ds.benchmarks["name"], strict=True))
    return {b: names.get(b, b) for b in data.ds.benchmarks["id"]}
