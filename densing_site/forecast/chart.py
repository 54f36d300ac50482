"""The forecast on the densing-law chart: the frontier line continued past its last point, dashed, with
its 90% prediction band, labelled "forecast, not data" on the chart and in its legend.

The band of a frontier fitted on few points widens fast; drawn in full it would stretch the density
axis by decades and squeeze the data. So each track's band is drawn only up to :data:`HEADROOM` times
the highest of its points, its fitted line and the forecast's central line (and down to as far below
the lowest); the tooltip and the page's text give the band's true ends.
"""

from __future__ import annotations

import json
from typing import Any

import altair as alt
import pandas as pd

from densing_site.inputs.fit_tracks import Track
from densing_site.text.formatting import number

LABEL = "forecast, not data (90% prediction band)"
"""The forecast's legend entry."""
MARK = "forecast, not data"
"""The label written on the chart at the forecast's end."""
COLOR = "#e07b00"
HEADROOM = 4.0
"""How far above the highest point, line or forecast centre a track's density axis reaches."""


def forecast_rows(tracks: list[Track], points: pd.DataFrame) -> list[dict[str, Any]]:
    """Every track's forecast points (``date, density, low, high``) marked with the track and
    :data:`LABEL` (``kind``), and the band as drawn (``band_low``, ``band_high``): cut at
    :data:`HEADROOM` times beyond the track's points, fitted line and forecast centre (``points``: the
    chart's points, with ``track`` and ``density``)."""
    out = []
    for track in tracks:
        forecast = track.trend.get("forecast") or {}
        rows = [r for r in forecast.get("points") or [] if number(r.get("density")) is not None]
        if forecast.get("error") or not rows:
            continue
        values = [r["density"] for r in rows]
        values += [
            r["density"] for r in track.trend.get("line") or [] if number(r.get("density")) is not None
        ]
        if len(points):
            values += [float(v) for v in points.loc[points["track"] == track.id, "density"]]
        top, bottom = HEADROOM * max(values), min(values) / HEADROOM
        out += [
            {
                **row,
                "track": track.id,
                "kind": LABEL,
                "band_low": max(row["low"], bottom),
                "band_high": min(row["high"], top),
            }
            for row in rows
        ]
    return out


def forecast_layers(
    rows: list[dict[str, Any]], x: alt.X, y_scale: alt.Scale, in_track: str
) -> list[alt.Chart]:
    """The band (as drawn: cut, see the module doc), the dashed line with its legend entry, and the
    label at its end, each filtered to the track shown (``in_track``: the Vega filter)."""
    if not rows:
        return []
    frame = alt.Chart(pd.DataFrame(rows)).transform_filter(in_track)
    band = frame.mark_area(opacity=0.14, color=COLOR).encode(
        x=x, y=alt.Y("band_low:Q", scale=y_scale), y2="band_high:Q"
    )
    dash = alt.StrokeDash(
        "kind:N",
        title=None,
        scale=alt.Scale(domain=[LABEL], range=[[6, 4]]),
        legend=alt.Legend(
            orient="top",
            labelLimit=320,
            # Drawn per total parameter only: per active parameter its entry is blank, not a promise.
            labelExpr="per == 'total' ? datum.label : ''",
            symbolOpacity=alt.ExprRef(expr="per == 'total' ? 1 : 0"),
            symbolStrokeColor=COLOR,
            symbolType="stroke",
            symbolSize=400,
            symbolStrokeWidth=2,
        ),
    )
    line = frame.mark_line(color=COLOR, strokeWidth=2).encode(
        x=x,
        y=alt.Y("density:Q", scale=y_scale),
        strokeDash=dash,
        tooltip=[
            alt.Tooltip("date:T", title="Date (forecast)", format="%Y-%m-%d", formatType="utc"),
            alt.Tooltip("density:Q", title="Forecast density", format=".3g"),
            alt.Tooltip("low:Q", title="90% prediction band, low", format=".3g"),
            alt.Tooltip("high:Q", title="90% prediction band, high", format=".3g"),
        ],
    )
    label = (
        frame.transform_window(
            order="rank(date)", sort=[alt.SortField("date", order="descending")], groupby=["track"]
        )
        .transform_filter("datum.order == 1")
        .transform_calculate(text=json.dumps(MARK))
        .mark_text(align="right", baseline="bottom", dx=-2, dy=-8, color=COLOR, fontStyle="italic")
        .encode(x=x, y=alt.Y("density:Q", scale=y_scale), text="text:N")
    )
    return [band, line, label]
