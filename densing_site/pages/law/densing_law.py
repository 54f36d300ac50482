"""The densing-law page: density against release date, the fitted trend, its sensitivity, the cut.

The chart shows one track at a time (a select under it switches). Everything on the page about one
track's fit (the headline, the fit table, the frontier models and the "Cite this" box) is rendered
for every track; the page shows the default track's, and charts.js shows the selected track's when
the select changes (all variants share one grid cell, so the page does not jump).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from densing_site.charts import charts
from densing_site.charts.density import BOUND_SHAPES, density_chart
from densing_site.citing.cite_boxes import CiteContext, cite_context, trend_citation
from densing_site.forecast.chart import forecast_rows
from densing_site.forecast.law import law_forecast
from densing_site.inputs.fit_tracks import Track
from densing_site.pages.law import eras
from densing_site.pages.law.release_check import release_check
from densing_site.pages.law.verdict import VerdictView, verdict_views
from densing_site.pages.leaderboard import chart_file_name, track_url
from densing_site.render import PageWriter, root_prefix
from densing_site.sitedata import SiteData
from densing_site.text.formatting import (
    DAYS_PER_MONTH,
    bound_side,
    doubling_words,
    fmt_date,
    fmt_number,
    fmt_params,
    interval_words,
    number,
)
from densing_site.text.tables import rows

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
            points.append(_point(track, row, density, root))
    return pd.DataFrame(points, columns=list(POINT_COLUMNS))


def _status(row: dict[str, Any], frontier: str) -> str:
    return "frontier" if row.get(frontier) else "in trend" if row.get("in_trend") else "not in trend"


def _point(track: Track, row: dict[str, Any], density: float, root: str) -> dict[str, Any]:
    """One model on one track, per total and per active parameter."""
    side = bound_side(row.get("flags"))
    words = {"lower": "at least ", "upper": "at most "}.get(side or "", "")
    active = number(row.get("density_active"))
    return {
        "model": row["model"],
        "name": row["name"],
        "family": row.get("family") or "",
        "track": track.id,
        "date": fmt_date(row["release_date"]),
        "released": fmt_date(row["release_date"]),
        "params": fmt_params(row["params"])
        + (f" ({fmt_params(row['params_active'])} active)" if number(row.get("params_active")) else ""),
        "effective_params": words + fmt_params(row["effective_params"]),
        "density": density,
        "density_low": number(row.get("density_low")),
        "density_high": number(row.get("density_high")),
        "density_text": words + fmt_number(density),
        "interval": interval_words(row.get("density_low"), row.get("density_high"), row.get("flags")),
        "density_active": active,
        "density_active_low": number(row.get("density_active_low")),
        "density_active_high": number(row.get("density_active_high")),
        "density_active_text": words + fmt_number(active) if active is not None else "",
        "interval_active": interval_words(
            row.get("density_active_low"), row.get("density_active_high"), row.get("flags")
        ),
        "bound": side or "",
        "shape": BOUND_SHAPES.get(side or "", ""),
        "status": _status(row, "frontier"),
        "status_active": _status(row, "frontier_active"),
        "url": f"{root}models/{row['model']}/",
    }


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
    "density_text",
    "interval",
    "density_active",
    "density_active_low",
    "density_active_high",
    "density_active_text",
    "interval_active",
    "bound",
    "shape",
    "status",
    "status_active",
    "url",
)
"""The density chart's point columns (``interval``: the 90% interval as text, or why there is none;
``*_text``: the density as shown, ``at least 2.1`` for a bound; ``bound``: ``lower``/``upper``/empty
and ``shape`` its marker; ``*_active``: per active parameter)."""


def trend_lines(data: SiteData) -> list[dict[str, Any]]:
    """The fitted lines of every track, per total parameter (trend.json ``line``, ``line_extension``)
    and per active parameter (``active_params``), each row marked with its track, ``per`` and ``part``
    (``fit`` or ``extension``; ``end`` marks the extension's last point, where its label goes)."""
    out = []
    for track in data.fit.tracks:
        for per, fit in (("total", track.trend), ("active", track.trend.get("active_params") or {})):
            for part in ("line", "line_extension"):
                points = [r for r in fit.get(part) or [] if number(r.get("density")) is not None]
                out += [
                    {
                        **row,
                        "track": track.id,
                        "per": per,
                        "part": "fit" if part == "line" else "extension",
                        "end": part == "line_extension" and i == len(points) - 1,
                    }
                    for i, row in enumerate(points)
                ]
    return out


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


def has_active(data: SiteData) -> bool:
    """True when some track reads a mixture of experts with a density per active parameter (then the
    chart can switch to it)."""
    return any(
        number(r.get("params_active")) is not None and number(r.get("density_active")) is not None
        for t in data.fit.tracks
        for r in rows(t.densities)
    )


def track_variant(
    track: Track,
    cite: CiteContext,
    shown: bool,
    verdict: VerdictView,
    model_names: dict[str, str] | None = None,
) -> dict[str, Any]:
    """What the page says about one track's fit: headline, verdict, fit table (with the choices made
    and their effect), frontier models, citation, and its forecast (``model_names``: model id ->
    name, for the forecast's back-test)."""
    names = {r["model"]: r for r in rows(track.densities)}
    return {
        "id": track.id,
        "label": track.label,
        "shown": shown,
        "trend": track.trend,
        "doubling": doubling_words(track.trend, cite.confidence),
        "headline": eras.headline(track, cite.confidence),
        "verdict": verdict,
        "choices": choices(track, cite.confidence),
        "frontier": [names[m] for m in track.trend.get("frontier") or [] if m in names],
        "cite": trend_citation(cite, track, "densing-law/"),
        "forecast": law_forecast(track, model_names or {}),
    }


def choices(track: Track, confidence: float | None) -> list[tuple[str, str]]:
    """The fit's choices with their effect, as (what, words) rows of the fit table: the ruler's own
    models out of the trend (the doubling time both ways), density per active parameter, and where the
    drawn line stops being fitted and becomes an extrapolation."""
    trend, out = track.trend, []
    with_ref = trend.get("with_reference_models")
    if with_ref:
        n = len(with_ref.get("added") or [])
        out.append(
            (
                "The ruler's own models",
                f"out of the trend (the default: their readings restate the curve they were fitted to): "
                f"{doubling_words(trend, confidence)}; with its {n} reference models added back: "
                f"{doubling_words(with_ref, confidence)}",
            )
        )
    active = trend.get("active_params")
    if active:
        counts = f" ({active.get('n_frontier')} frontier models of {active.get('n_models')})"
        detail = "" if active.get("error") else counts
        out.append(
            (
                "Per active parameter",
                f"density divided by the parameters active per token instead of all of them (mixtures "
                f"of experts): {doubling_words(active, confidence)}{detail}",
            )
        )
    line, extension = trend.get("line") or [], trend.get("line_extension") or []
    if line:
        first, last = fmt_date(line[0]["date"]), fmt_date(line[-1]["date"])
        drawn = f"fitted from {first} to the last frontier point, {last}"
        if extension:
            drawn += f"; dashed from there to {fmt_date(extension[-1]['date'])}: extrapolated, not fitted"
        out.append(("Line drawn", drawn))
    return out


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
        density_chart(
            points,
            trend_lines(data),
            cut.get("date"),
            tracks=[(t.id, t.label) for t in ordered],
            families=sorted({f for f in points["family"] if f}),
            version=version,
            per=has_active(data),
            forecast=forecast_rows(ordered, points),
        ),
        "Density of each model against its release date on a log axis, with the fitted densing line "
        "and its confidence band, dashed where it is extrapolated past the last frontier point; the "
        "frontier models are highlighted, and a density that is only a bound is an open circle with an "
        "arrow. Past the newest model the post-ChatGPT line continues as a forecast (not data) with its "
        "90% prediction band. Controls under the chart switch the track and whether density is per "
        "total or per active parameter; another highlights one family.",
        download=chart_file_name("densing-law", "{track}", version, "svg"),
        default_track=default.id,
        csv_columns=CSV_COLUMNS,
    )
    cite = cite_context(data)
    names = dict(zip(data.ds.models["id"], data.ds.models["name"], strict=True))
    verdicts = verdict_views(ordered, cite.confidence)
    writer.render_page(
        PAGE,
        "densing_law.md.j2",
        title="Densing law",
        charts=True,
        styles=("views.css",),
        context={
            "chart": chart,
            "trend": trend,
            "variants": [track_variant(t, cite, t.id == default.id, verdicts[t.id], names) for t in ordered],
            "version": version,
            "confidence": confidence,
            "cut": cut,
            "eras": eras.era_rows(ordered, confidence),
            "tracks": ordered,
            "track_urls": {t.id: track_url(t.id, default.id) for t in ordered},
            "verdicts": {t.id: eras.verdict(t) for t in ordered},
            "verdicts_now": verdicts,
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
    ("density_bound", "bound"),
    ("status", "status"),
    ("density per active parameter", "density_active"),
    ("density per active parameter 90% interval low", "density_active_low"),
    ("density per active parameter 90% interval high", "density_active_high"),
    ("status per active parameter", "status_active"),
)
"""The chart's CSV download: (header, point column), the rows of the track shown."""
