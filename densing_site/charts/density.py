"""The densing-law page's chart (Vega-Lite through Altair): density against release date on a log axis
for one track at a time, per total or per active parameter.

Readings are filled circles coloured by frontier/trend status; a reading that is only a bound is an
open circle with an arrow (up: "at least", down: "at most"). Each track's fitted line is solid up to its
last frontier point with its 90% band; past it, the track's forecast (dashed, with its prediction band,
labelled "forecast, not data") or, where there is none (per active parameter), the line dashed and
labelled "extrapolated" (trend.json ``line`` and ``line_extension``; per active parameter
``active_params``). Three controls under the chart (HTML
selects bound to Vega params) switch the track, the parameter count density divides by, and the family
highlighted; charts.js keeps the first two in the page's address.
"""

from __future__ import annotations

import json
from typing import Any

import altair as alt
import pandas as pd

from densing_site.charts.charts import FIT, HEIGHT, STATUS_COLORS
from densing_site.forecast.chart import forecast_layers

LOG_TICKS = [float(f"{m}e{k}") for k in range(-4, 4) for m in (1, 3)]
"""Ticks of a log density axis: 1 and 3 per decade (those outside the data's range are not drawn)."""
PER_LABELS = {"total": "total parameter (default)", "active": "active parameter"}
"""The ``per`` control: what density divides by."""
BOUND_SHAPES = {
    # an open circle (radius 0.42 of the symbol's half box) and an arrow from its edge to the box's edge
    "lower": "M0.42,0A0.42,0.42 0 1,1 -0.42,0A0.42,0.42 0 1,1 0.42,0M0,-0.42L0,-1M-0.3,-0.72L0,-1L0.3,-0.72",
    "upper": "M0.42,0A0.42,0.42 0 1,1 -0.42,0A0.42,0.42 0 1,1 0.42,0M0,0.42L0,1M-0.3,0.72L0,1L0.3,0.72",
}
"""Vega symbol paths (in the unit box -1..1) of a bound: an open circle with an arrow up or down."""
IN_TRACK = "track == '' || datum.track == track"


def track_title(labels: dict[str, str], version: str) -> alt.TitleParams:
    """A title that follows the ``track`` and ``per`` params, on three short lines (phones too):
    ``Density over release date, data version <version>``, the track's label, ``track <id> · per
    total parameter`` (every literal JSON-quoted into the Vega expression)."""
    head = json.dumps(f"Density over release date, data version {version}")
    per = f"{json.dumps({k: ' · density per ' + v for k, v in PER_LABELS.items()})}[per]"
    expr = f"[{head}, {json.dumps(labels)}[track], {json.dumps('track ')} + track + {per}]"
    return alt.TitleParams(text=alt.ExprRef(expr=expr), anchor="start", fontSize=12, fontWeight="normal")


def _controls(tracks: list[tuple[str, str]], families: list[str], per: bool) -> list[Any]:
    """The chart's params: track (a select when there are several), per (a select when any model is
    a mixture of experts), family to highlight."""
    track_bind = (
        {
            "bind": alt.binding_select(
                options=[t for t, _ in tracks], labels=[lb for _, lb in tracks], name="Track "
            )
        }
        if len(tracks) > 1
        else {}
    )
    per_bind = (
        {
            "bind": alt.binding_select(
                options=list(PER_LABELS), labels=list(PER_LABELS.values()), name="Density per "
            )
        }
        if per
        else {}
    )
    return [
        alt.param(name="track", value=tracks[0][0] if tracks else "", **track_bind),
        alt.param(name="per", value="total", **per_bind),
        alt.param(
            name="family",
            value="",
            bind=alt.binding_select(
                options=["", *families], labels=["nothing", *families], name="Highlight family "
            ),
        ),
    ]


def _shown(base: alt.Chart) -> alt.Chart:
    """The points of the track shown, with the density (and its words) the ``per`` control picks."""
    active = "per == 'active'"
    return (
        base.transform_filter(IN_TRACK)
        .transform_calculate(
            rho=f"{active} ? datum.density_active : datum.density",
            shown_status=f"{active} ? datum.status_active : datum.status",
            shown_text=f"{active} ? datum.density_active_text : datum.density_text",
            shown_interval=f"{active} ? datum.interval_active : datum.interval",
            per_words=f"{active} ? 'active parameter' : 'total parameter'",
        )
        .transform_filter("isValid(datum.rho) && datum.rho > 0")
    )


def _point_layers(points: pd.DataFrame, x: alt.X, y_scale: alt.Scale) -> list[alt.Chart]:
    """Exact readings (filled) and bounds (open, with an arrow), coloured by status."""
    status = alt.Color(
        "shown_status:N",
        title=None,
        scale=alt.Scale(domain=list(STATUS_COLORS), range=list(STATUS_COLORS.values())),
        legend=alt.Legend(orient="bottom", direction="horizontal", labelLimit=200),
    )
    y = alt.Y(
        "rho:Q",
        title="Density (log)",
        scale=y_scale,
        axis=alt.Axis(values=LOG_TICKS, format="~g"),
    )
    encoding = {
        "x": x,
        "y": y,
        "color": status,
        "opacity": alt.condition("family == '' || datum.family == family", alt.value(0.85), alt.value(0.1)),
        "href": "url:N",
        "tooltip": [
            alt.Tooltip("name:N", title="Model"),
            alt.Tooltip("family:N", title="Family"),
            alt.Tooltip("released:N", title="Released"),
            alt.Tooltip("params:N", title="Params"),
            alt.Tooltip("effective_params:N", title="Effective params"),
            alt.Tooltip("shown_text:N", title="Density"),
            alt.Tooltip("shown_interval:N", title="Density 90% interval"),
            alt.Tooltip("per_words:N", title="Density per"),
            alt.Tooltip("track:N", title="Track"),
        ],
    }
    shown = _shown(alt.Chart(points))
    exact = shown.transform_filter("!datum.bound").mark_circle(size=60, cursor="pointer").encode(**encoding)
    bounds = (
        shown.transform_filter("datum.bound")
        .mark_point(size=360, filled=False, strokeWidth=1.5, cursor="pointer")
        .encode(shape=alt.Shape("shape:N", scale=None, legend=None), **encoding)
    )
    return [exact, bounds]


def _line_layers(
    lines: list[dict[str, Any]], x: alt.X, y_scale: alt.Scale, forecast_tracks: list[str]
) -> list[alt.Chart]:
    """Each track's fitted line and band (solid), its extrapolation (dashed, fainter band) and the
    label ``extrapolated`` at the extrapolation's end, for the ``per`` chosen. Where the track's
    forecast is drawn (``forecast_tracks``, per total parameter) it continues the line instead, so
    the extrapolation is left out there: two dashed lines over one another would read as two claims."""
    if not lines:
        return []
    rows = alt.Chart(pd.DataFrame(lines)).transform_filter(f"({IN_TRACK}) && datum.per == per")
    y = alt.Y("density:Q", scale=y_scale)
    with_forecast = json.dumps(sorted(forecast_tracks))
    fit, ext = (
        rows.transform_filter("datum.part == 'fit'"),
        rows.transform_filter(
            f"datum.part == 'extension' && (per != 'total' || indexof({with_forecast}, datum.track) < 0)"
        ),
    )
    band = {"x": x, "y": alt.Y("low:Q", scale=y_scale), "y2": "high:Q"}
    return [
        fit.mark_area(opacity=0.18, color="#1f77b4").encode(**band),
        ext.mark_area(opacity=0.07, color="#1f77b4").encode(**band),
        fit.mark_line(color="#1f77b4").encode(x=x, y=y),
        ext.mark_line(color="#1f77b4", strokeDash=[6, 4]).encode(
            x=x, y=y, tooltip=alt.value("extrapolated past the last frontier point")
        ),
        ext.transform_filter("datum.end")
        .mark_text(align="right", baseline="bottom", dy=-6, color="#1f77b4", fontSize=11)
        .encode(x=x, y=y, text=alt.value("extrapolated")),
    ]


def density_chart(
    points: pd.DataFrame,
    lines: list[dict[str, Any]],
    cut_date: str | None,
    *,
    tracks: list[tuple[str, str]] | None = None,
    families: list[str] | None = None,
    version: str = "",
    per: bool = False,
    forecast: list[dict[str, Any]] | None = None,
) -> alt.LayerChart:
    """Density against release date on a log axis (see the module docstring) and a rule at the cut
    date (ChatGPT's release).

    ``points`` columns: :data:`densing_site.pages.law.densing_law.POINT_COLUMNS` (``bound``: ``lower``,
    ``upper`` or empty; ``shape``: its symbol path; ``*_text``: the density as shown, ``at least 2.1``
    for a bound); ``lines`` rows: trend.json ``line`` points with ``track``, ``per`` (``total`` or
    ``active``), ``part`` (``fit`` or ``extension``) and ``end`` (the extension's last point). With
    ``tracks`` ((id, label), the first shown first) the chart gets a track switch and a title naming
    the track shown, what density divides by and the data ``version``; with ``per`` a control switches
    density per total to per active parameter. The legend sits below the plot,
    so it never meets the ChatGPT label at the top of the rule; the axes span the data (padded), not
    empty decades. ``forecast`` rows (:func:`densing_site.forecast.chart.forecast_rows`) add each
    track's forecast, per total parameter: its dashed line and 90% prediction band, labelled
    "forecast, not data"."""
    tracks = tracks or []
    # Domains follow the track shown (Vega computes them from the filtered data), unpadded by whole
    # decades (nice=False) but by some pixels, so no point sits on the frame.
    y_scale = alt.Scale(type="log", nice=False, padding=12)
    x = alt.X(
        "date:T",
        title="Release date",
        scale=alt.Scale(type="utc", nice=False, padding=12),
        axis=alt.Axis(format="%Y", tickCount="year", labelOverlap=True, labelFlush=False),
    )
    forecast_shown = f"({IN_TRACK}) && per == 'total'"
    layers = (
        _line_layers(lines, x, y_scale, [row["track"] for row in forecast or []])
        + forecast_layers(forecast or [], x, y_scale, forecast_shown)
        + _point_layers(points, x, y_scale)
    )
    layers[-2] = layers[-2].add_params(*_controls(tracks, families or [], per))
    dates = sorted(list(points["date"]) + [row["date"] for row in lines])
    if cut_date and dates and dates[0] <= cut_date <= dates[-1]:
        rule = alt.Chart(pd.DataFrame([{"date": cut_date, "label": "ChatGPT"}]))
        layers.append(rule.mark_rule(strokeDash=[4, 4], color="#777").encode(x=x))
        layers.append(
            rule.mark_text(align="left", baseline="bottom", dx=4, y=-2, color="#555").encode(
                x=x, text="label:N"
            )
        )
    chart = alt.layer(*layers).properties(width="container", height=HEIGHT, autosize=FIT)
    if tracks:
        chart = chart.properties(title=track_title(dict(tracks), version))
    return chart
