"""The "What densifies?" chart: density over release date on a log axis, one colour per capability
group, each group's fitted frontier line with its 90% band, its frontier models as dots, its other
readings in the trend faint, and readings that are only bounds as triangles pointing the way the
true value lies (up: at least, down: at most). A select under the chart switches the track.

Record text (model names) reaches the chart only as data, which Vega draws as text or puts in
tooltips (escaped by vega-tooltip); the spec reaches the page through ``json_for_html``.
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from densing_site.charts.charts import HEIGHT
from densing_site.charts.density import LOG_TICKS

FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")
"""The chart takes its column's width (phones included) and keeps its height."""

GROUP_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf", "#7f7f7f")
"""One colour per group, in the registry's order."""
KIND_SHAPES = {
    "frontier": "circle",
    "in trend": "circle",
    "at least": "triangle-up",
    "at most": "triangle-down",
}
"""Marks of the readings: a bound points the way its true value lies."""
POINT_COLUMNS = (
    "model",
    "name",
    "track",
    "group",
    "date",
    "released",
    "density",
    "interval",
    "kind",
    "url",
)
LINE_COLUMNS = ("track", "group", "date", "density", "low", "high")


def track_title(labels: dict[str, str], version: str) -> alt.TitleParams:
    """A title naming what is drawn, the data version and the track shown (it follows the select)."""
    head = json.dumps(f"Density by capability over release date, data version {version}")
    expr = f"[{head}, {json.dumps(labels)}[track], {json.dumps('track ')} + track]"
    return alt.TitleParams(text=alt.ExprRef(expr=expr), anchor="start", fontSize=12, fontWeight="normal")


def capability_chart(
    points: pd.DataFrame,
    lines: pd.DataFrame,
    *,
    tracks: list[tuple[str, str]],
    groups: list[str],
    version: str,
) -> alt.LayerChart:
    """The chart (``points``: :data:`POINT_COLUMNS`, ``group`` the group's label; ``lines``:
    :data:`LINE_COLUMNS`); ``tracks``: (id, label), the first shown first; ``groups``: the group
    labels in display order (their colours). Offer only tracks with a fitted line: Vega cannot size a
    log axis for a layer the track select leaves empty."""
    bind = (
        {
            "bind": alt.binding_select(
                options=[t for t, _ in tracks], labels=[lb for _, lb in tracks], name="Track "
            )
        }
        if len(tracks) > 1
        else {}
    )
    track = alt.param(name="track", value=tracks[0][0] if tracks else "", **bind)
    in_track = "datum.track == track"
    x = alt.X(
        "date:T",
        title="Release date",
        scale=alt.Scale(type="utc", nice=False, padding=12),
        axis=alt.Axis(format="%Y", tickCount="year", labelOverlap=True, labelFlush=False),
    )
    y_scale = alt.Scale(type="log", nice=False, padding=12)
    y = alt.Y(
        "density:Q",
        title="Density ρ = N̂ / N (log)",
        scale=y_scale,
        axis=alt.Axis(values=LOG_TICKS, format="~g"),
    )
    color = alt.Color(
        "group:N",
        title=None,
        scale=alt.Scale(domain=groups, range=list(GROUP_COLORS[: len(groups)])),
        legend=alt.Legend(
            orient="bottom",
            direction="horizontal",
            labelLimit=200,
            columns=3,
            symbolOpacity=1,
            symbolType="circle",
        ),
    )
    fitted = alt.Chart(lines).transform_filter(in_track)
    band = fitted.mark_area(opacity=0.15).encode(
        x=x, y=alt.Y("low:Q", scale=y_scale), y2="high:Q", color=color
    )
    line = fitted.mark_line(strokeWidth=2).encode(x=x, y=alt.Y("density:Q", scale=y_scale), color=color)
    base = alt.Chart(points).transform_filter(in_track)
    tooltip = [
        alt.Tooltip("name:N", title="Model"),
        alt.Tooltip("group:N", title="Capability"),
        alt.Tooltip("released:N", title="Released"),
        alt.Tooltip("density:Q", title="Density", format=".3g"),
        alt.Tooltip("interval:N", title="Density 90% interval"),
        alt.Tooltip("kind:N", title="Reading"),
    ]
    dots = (
        base.mark_point(filled=True, cursor="pointer")
        .encode(
            x=x,
            y=y,
            color=color,
            shape=alt.Shape(
                "kind:N",
                title=None,
                scale=alt.Scale(domain=list(KIND_SHAPES), range=list(KIND_SHAPES.values())),
                legend=alt.Legend(orient="bottom", direction="horizontal"),
            ),
            size=alt.condition("datum.kind == 'in trend'", alt.value(25), alt.value(70)),
            opacity=alt.condition("datum.kind == 'frontier'", alt.value(0.95), alt.value(0.3)),
            href="url:N",
            tooltip=tooltip,
        )
        .add_params(track)
    )
    layers = [band, line, dots] if not lines.empty else [dots]
    chart = alt.layer(*layers).properties(width="container", height=HEIGHT, autosize=FIT_WIDTH)
    return chart.properties(title=track_title(dict(tracks), version)).resolve_scale(color="shared")
