"""The densing-law page: density against release date, the fitted trend, its sensitivity, the cut.

The chart shows one track at a time (a select under it switches). Everything on the page about one
track's fit (the headline, the fit table, the frontier models and the "Cite this" box) is rendered
for every track; the page shows the default track's, and charts.js shows the selected track's when
the select changes (all variants share one grid cell, so the page does not jump).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from densing_site import charts
from densing_site.cite_boxes import CiteContext, cite_context, trend_citation
from densing_site.fit_tracks import Track
from densing_site.forecast.chart import forecast_rows
from densing_site.forecast.law import law_forecast
from densing_site.formatting import (
    DAYS_PER_MONTH,
    bound_side,
    doubling_words,
    fmt_date,
    fmt_interval,
    fmt_params,
    number,
)
from densing_site.pages import eras
from densing_site.pages.leaderboard import chart_file_name, track_url
from densing_site.pages.release_check import release_check
from densing_site.render import PageWriter, root_prefix
from densing_site.sitedata import SiteData
from densing_site.tables import rows

PAGE = "densing-law.md"


def chart_points(data: SiteData, root: str) -> pd.DataFrame:
    """Every track's models with a positive density, as the density chart plots them (``track``
    says which track a point belongs to; the chart shows one track at a time)."""
    points = []
    for track in data.fit.tracks:
        for row in rows(track.densities):
            density = number(row["density"])
            if density is None or density <= 0 or not row.get("release_date"):
                continue
            status = "frontier" if row["frontier"] else "in trend" if row["in_trend"] else "not in trend"
            side = bound_side(row.get("flags"))
            points.append(
                {
                    "model": row["model"],
                    "name": row["name"],
                    "family": row.get("family") or "",
                    "track": track.id,
                    "date": fmt_date(row["release_date"]),
                    "released": fmt_date(row["release_date"]),
                    "params": fmt_params(row["params"]),
                    "effective_params": fmt_params(row["effective_params"]),
                    "density": density,
                    "density_low": number(row.get("density_low")),
                    "density_high": number(row.get("density_high")),
                    "interval": (f"{side} bound" if side else "")
                    or fmt_interval(row.get("density_low"), row.get("density_high"))
                    or "none",
                    "status": status,
                    "url": f"{root}models/{row['model']}/",
                }
            )
    return pd.DataFrame(points, columns=list(POINT_COLUMNS))


POINT_COLUMNS = (
    "model",
    "name",
    "family",
    "track",
    "date",
    "released",
    "params",
    "effective_params",
    "density",
    "density_low",
    "density_high",
    "interval",
    "status",
    "url",
)
"""The density chart's point columns (``interval``: the 90% interval as text, or which bound)."""


def trend_lines(data: SiteData) -> list[dict[str, Any]]:
    """The fitted line of every track, each row marked with its track."""
    return [
        {**row, "track": track.id}
        for track in data.fit.tracks
        for row in (track.trend.get("line") or [])
        if number(row.get("density")) is not None
    ]


def sensitivity_rows(data: SiteData) -> list[dict[str, Any]]:
    """sensitivity.csv with doubling times also in months."""
    out = []
    for row in rows(data.fit.sensitivity):
        row["months"] = _months(row["doubling_days"])
        row["ci_months"] = (_months(row["ci_low"]), _months(row["ci_high"]))
        out.append(row)
    return out


def _months(days: Any) -> float | None:
    value = number(days)
    return None if value is None else value / DAYS_PER_MONTH


def track_variant(
    track: Track, cite: CiteContext, shown: bool, model_names: dict[str, str] | None = None
) -> dict[str, Any]:
    """What the page says about one track's fit: headline, fit table, frontier models, citation, and
    its forecast (``model_names``: model id -> name, for the forecast's back-test)."""
    names = {r["model"]: r for r in rows(track.densities)}
    return {
        "id": track.id,
        "label": track.label,
        "shown": shown,
        "trend": track.trend,
        "doubling": doubling_words(track.trend, cite.confidence),
        "frontier": [names[m] for m in track.trend.get("frontier") or [] if m in names],
        "cite": trend_citation(cite, track, "densing-law/"),
        "forecast": law_forecast(track, model_names or {}),
    }


def write_densing_law(writer: PageWriter, data: SiteData) -> None:
    """Write the densing-law page and its chart."""
    trend = data.fit.trend
    confidence = number((trend.get("bootstrap") or {}).get("confidence"))
    cut = trend.get("cut") or {}
    points = chart_points(data, root_prefix(PAGE))
    default = data.fit.track()
    ordered = [default, *(t for t in data.fit.tracks if t.id != default.id)]
    version = data.ds.version
    chart = charts.save_chart(
        writer,
        "densing-law",
        charts.density_chart(
            points,
            trend_lines(data),
            cut.get("date"),
            tracks=[(t.id, t.label) for t in ordered],
            families=sorted({f for f in points["family"] if f}),
            version=version,
            forecast=forecast_rows(ordered, points),
        ),
        "Density of each model against its release date on a log axis, with the fitted densing line "
        "and its confidence band; the frontier models are highlighted. Past the last frontier model the "
        "line continues, dashed, as a forecast (not data) with its 90% prediction band. A control under "
        "the chart switches the track; another highlights one family.",
        download=chart_file_name("densing-law", "{track}", version, "svg"),
        default_track=default.id,
        csv_columns=CSV_COLUMNS,
    )
    cite = cite_context(data)
    names = dict(zip(data.ds.models["id"], data.ds.models["name"], strict=True))
    writer.render_page(
        PAGE,
        "densing_law.md.j2",
        title="Densing law",
        charts=True,
        styles=("views.css",),
        context={
            "chart": chart,
            "trend": trend,
            "variants": [track_variant(t, cite, t.id == default.id, names) for t in ordered],
            "version": version,
            "confidence": confidence,
            "cut": cut,
            "eras": eras.era_rows(ordered, confidence),
            "tracks": ordered,
            "track_urls": {t.id: track_url(t.id, default.id) for t in ordered},
            "verdicts": {t.id: eras.verdict(t) for t in ordered},
            "paper_sentence": eras.paper_sentence(),
            "sensitivity": sensitivity_rows(data),
            "release": release_check(trend, data.fit.densities, confidence),
        },
    )


CSV_COLUMNS = (
    ("model", "model"),
    ("name", "name"),
    ("track", "track"),
    ("released", "released"),
    ("params", "params"),
    ("effective_params", "effective_params"),
    ("density", "density"),
    ("density 90% interval low", "density_low"),
    ("density 90% interval high", "density_high"),
    ("interval", "interval"),
    ("status", "status"),
)
"""The chart's CSV download: (header, point column), the rows of the track shown."""
