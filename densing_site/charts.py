"""Altair charts: the Vega-Lite spec embedded in the page and a static SVG fallback (vl-convert).

Chart data are plain values from the fit outputs; record text in them (model names, labels) is shown
by Vega as SVG text or in tooltips, which vega-tooltip escapes. The spec reaches the page only through
:func:`densing_site.escape.json_for_html`. Dates are ``YYYY-MM-DD`` strings on a UTC time scale, so a
chart reads the same in every time zone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd
import vl_convert

from densing_site.forecast.chart import forecast_layers
from densing_site.render import PageWriter

WIDTH = 560
HEIGHT = 360
CHATGPT_RELEASE = "2022-11-30"
_FIT = alt.AutoSizeParams(type="fit-x", contains="padding")
"""Charts take the width of their column (phones included) and keep their height."""
STATUS_COLORS = {"frontier": "#d62728", "in trend": "#1f77b4", "not in trend": "#b0b0b0"}


@dataclass(frozen=True)
class Chart:
    """A chart as it is put on a page."""

    name: str
    """File stem of the SVG fallback under ``charts/`` (a slug)."""
    spec: dict[str, Any]
    """Vega-Lite spec (data inline)."""
    svg_path: str
    """Path of the SVG fallback, relative to the site root."""
    description: str
    """Alternative text: what the chart shows (static text, no record text)."""
    download: str = ""
    """File name a download is saved under, naming track and data version; ``{track}`` in it stands
    for the track shown (charts with a track switch)."""
    default_track: str = ""
    """The track the chart shows first (and its SVG fallback shows), for ``{track}`` in ``download``."""
    csv_columns: tuple[tuple[str, str], ...] = ()
    """(CSV header, point column) of the chart's CSV download; none: no CSV download."""

    @property
    def fallback_download(self) -> str:
        """The SVG fallback's file name (the default track's)."""
        return self.download.replace("{track}", self.default_track) or f"{self.name}.svg"


def save_chart(
    writer: PageWriter,
    name: str,
    chart: alt.TopLevelMixin,
    description: str,
    *,
    download: str = "",
    default_track: str = "",
    csv_columns: tuple[tuple[str, str], ...] = (),
) -> Chart:
    """Turn ``chart`` into a spec, write its SVG fallback to ``charts/<name>.svg`` and return both
    (``download``, ``default_track``, ``csv_columns``: see :class:`Chart`)."""
    spec = chart.to_dict()
    fixed = dict(spec)  # the static fallback has no container to fit: draw it at a fixed width
    if fixed.get("width") == "container":
        fixed["width"] = WIDTH
    svg = vl_convert.vegalite_to_svg(fixed)
    path = f"charts/{name}.svg"
    writer.write_text(path, svg)
    return Chart(
        name=name,
        spec=spec,
        svg_path=path,
        description=description,
        download=download,
        default_track=default_track,
        csv_columns=csv_columns,
    )


def chart_title(text: str) -> alt.TitleParams:
    """A chart's title (it names the track and data version, so a saved image says what it is)."""
    return alt.TitleParams(text=text, anchor="start", fontSize=12, fontWeight="normal")


def track_title(labels: dict[str, str], version: str) -> alt.TitleParams:
    """A title that follows the ``track`` param, on three short lines (phones too): ``Density over
    release date, data version <version>``, the track's label, ``track <id>`` (every literal
    JSON-quoted into the Vega expression)."""
    head = json.dumps(f"Density over release date, data version {version}")
    expr = f"[{head}, {json.dumps(labels)}[track], {json.dumps('track ')} + track]"
    return alt.TitleParams(text=alt.ExprRef(expr=expr), anchor="start", fontSize=12, fontWeight="normal")


PARAMS_LABELS = (
    "indexof([1, 3], round(datum.value / pow(10, floor(log(datum.value) / LN10 + 1e-9)))) < 0 ? '' : "
    "datum.value >= 1e12 ? format(datum.value / 1e12, '~g') + 'T' : "
    "datum.value >= 1e9 ? format(datum.value / 1e9, '~g') + 'B' : format(datum.value / 1e6, '~g') + 'M'"
)
"""Vega expression labelling log-axis ticks 1 and 3 per decade as 100M, 300M, 1B, ..., 1T."""


def _params_axis() -> alt.X:
    return alt.X(
        "params:Q",
        title="Parameters N (log)",
        scale=alt.Scale(type="log"),
        axis=alt.Axis(labelExpr=PARAMS_LABELS, tickCount=6, grid=False),
    )


LOG_TICKS = [float(f"{m}e{k}") for k in range(-4, 4) for m in (1, 3)]
"""Ticks of a log density axis: 1 and 3 per decade (those outside the data's range are not drawn)."""


def density_chart(
    points: pd.DataFrame,
    line: list[dict[str, Any]],
    cut_date: str | None,
    *,
    tracks: list[tuple[str, str]] | None = None,
    families: list[str] | None = None,
    version: str = "",
    forecast: list[dict[str, Any]] | None = None,
) -> alt.LayerChart:
    """Density against release date on a log axis: models coloured by frontier/trend status, the
    fitted densing line with its confidence band, and a rule at the cut date (ChatGPT's release).

    ``points`` columns: ``name, model, date, released, params, effective_params, density, interval,
    status, url, track, family`` (``released`` repeats the date as text for the tooltip: Vega parses
    ``date`` to a time; ``interval``: the density's 90% interval as text, or which bound it is);
    ``line`` rows carry ``track`` too. With ``tracks`` ((id, label), the first shown first) the chart
    gets a track switch and a title naming the track shown and the data ``version``, with
    ``families`` a highlight control; both controls are HTML selects under the chart. The legend sits
    below the plot, so it never meets the ChatGPT label at the top of the rule; the axes span the data
    (padded), not empty decades. ``forecast`` rows (:func:`densing_site.forecast.chart.forecast_rows`)
    add each track's forecast: its dashed line and prediction band, labelled "forecast, not data".
    """
    tracks = tracks or []
    track_bind = (
        {
            "bind": alt.binding_select(
                options=[t for t, _ in tracks], labels=[lb for _, lb in tracks], name="Track "
            )
        }
        if len(tracks) > 1
        else {}
    )
    track_param = alt.param(name="track", value=tracks[0][0] if tracks else "", **track_bind)
    family_param = alt.param(
        name="family",
        value="",
        bind=alt.binding_select(
            options=["", *(families or [])], labels=["nothing", *(families or [])], name="Highlight family "
        ),
    )
    in_track = "track == '' || datum.track == track"
    # Domains follow the track shown (Vega computes them from the filtered data), unpadded by whole
    # decades (nice=False) but by some pixels, so no point sits on the frame.
    y_scale = alt.Scale(type="log", nice=False, padding=12)
    dates = sorted(list(points["date"]) + [row["date"] for row in line])
    x_scale = alt.Scale(type="utc", nice=False, padding=12)
    x = alt.X(
        "date:T",
        title="Release date",
        scale=x_scale,
        axis=alt.Axis(format="%Y", tickCount="year", labelOverlap=True, labelFlush=False),
    )
    base = alt.Chart(points)
    status = alt.Color(
        "status:N",
        title=None,
        scale=alt.Scale(domain=list(STATUS_COLORS), range=list(STATUS_COLORS.values())),
        legend=alt.Legend(orient="bottom", direction="horizontal", labelLimit=200),
    )
    dots = (
        base.mark_circle(size=60, cursor="pointer")
        .encode(
            x=x,
            y=alt.Y(
                "density:Q",
                title="Density ρ = N̂ / N (log)",
                scale=y_scale,
                axis=alt.Axis(values=LOG_TICKS, format="~g"),
            ),
            color=status,
            opacity=alt.condition("family == '' || datum.family == family", alt.value(0.85), alt.value(0.1)),
            href="url:N",
            tooltip=[
                alt.Tooltip("name:N", title="Model"),
                alt.Tooltip("family:N", title="Family"),
                alt.Tooltip("released:N", title="Released"),
                alt.Tooltip("params:N", title="Params"),
                alt.Tooltip("effective_params:N", title="Effective params"),
                alt.Tooltip("density:Q", title="Density", format=".3g"),
                alt.Tooltip("interval:N", title="Density 90% interval"),
                alt.Tooltip("track:N", title="Track"),
            ],
        )
        .transform_filter(in_track)
        .add_params(track_param, family_param)
    )
    layers: list[alt.Chart] = []
    if line:
        fitted = alt.Chart(pd.DataFrame(line)).transform_filter(in_track)
        layers.append(
            fitted.mark_area(opacity=0.18, color="#1f77b4").encode(
                x=x, y=alt.Y("low:Q", scale=y_scale), y2="high:Q"
            )
        )
        layers.append(fitted.mark_line(color="#1f77b4").encode(x=x, y=alt.Y("density:Q", scale=y_scale)))
    layers += forecast_layers(forecast or [], x, y_scale, in_track)
    layers.append(dots)
    if cut_date and dates and dates[0] <= cut_date <= dates[-1]:
        rule = alt.Chart(pd.DataFrame([{"date": cut_date, "label": "ChatGPT"}]))
        layers.append(rule.mark_rule(strokeDash=[4, 4], color="#777").encode(x=x))
        layers.append(
            rule.mark_text(align="left", baseline="bottom", dx=4, y=-2, color="#555").encode(
                x=x, text="label:N"
            )
        )
    chart = alt.layer(*layers).properties(width="container", height=HEIGHT, autosize=_FIT)
    if tracks:
        chart = chart.properties(title=track_title(dict(tracks), version))
    return chart


def ruler_chart(
    curve: list[dict[str, Any]], points: list[dict[str, Any]], held_out: list[dict[str, Any]]
) -> alt.LayerChart:
    """One benchmark of a ruler: the fitted score curve against parameters (log axis), the
    reference points it was fitted on, and held-out checks (actual against predicted) if any."""
    x = _params_axis()
    y = alt.Y("score:Q", title="Score (%)")
    layers: list[alt.Chart] = []
    if curve:
        layers.append(alt.Chart(pd.DataFrame(curve)).mark_line(color="#1f77b4").encode(x=x, y=y))
    if points:
        frame = pd.DataFrame(points)
        layers.append(
            alt.Chart(frame)
            .mark_circle(size=50, color="#333")
            .encode(
                x=x,
                y=y,
                tooltip=[
                    alt.Tooltip(c, type="nominal" if c == "label" else "quantitative")
                    for c in ("label", "params", "tokens", "score", "fitted")
                    if c in frame.columns
                ],
            )
        )
    if held_out:
        frame = pd.DataFrame(held_out).rename(columns={"actual": "score"})
        layers.append(
            alt.Chart(frame)
            .mark_point(shape="diamond", size=90, color="#d62728")
            .encode(
                x=x,
                y=y,
                tooltip=[
                    alt.Tooltip(c, type="nominal" if c == "label" else "quantitative")
                    for c in ("label", "params", "tokens", "score", "predicted")
                    if c in frame.columns
                ],
            )
        )
    return alt.layer(*layers).properties(width="container", height=280, autosize=_FIT)


def compression_chart(pairs: pd.DataFrame) -> alt.LayerChart:
    """Compressed models against their parents: density against parameters, a line from each parent
    to its compressed child. ``pairs`` columns: ``pair, role, name, params, density, interval, url``
    (``interval``: the density's 90% interval as text)."""
    x = _params_axis()
    y = alt.Y("density:Q", title="Density (log)", scale=alt.Scale(type="log"))
    base = alt.Chart(pairs)
    lines = base.mark_line(color="#999").encode(x=x, y=y, detail="pair:N")
    dots = base.mark_circle(size=60, cursor="pointer").encode(
        x=x,
        y=y,
        href="url:N",
        color=alt.Color(
            "role:N",
            title=None,
            scale=alt.Scale(domain=["parent", "compressed"], range=["#1f77b4", "#d62728"]),
        ),
        tooltip=[
            alt.Tooltip("name:N", title="Model"),
            alt.Tooltip("role:N", title="Role"),
            alt.Tooltip("params:Q", title="Params", format=".3s"),
            alt.Tooltip("density:Q", title="Density", format=".3g"),
            alt.Tooltip("interval:N", title="Density 90% interval"),
        ],
    )
    return alt.layer(lines, dots).properties(width="container", height=HEIGHT, autosize=_FIT)
