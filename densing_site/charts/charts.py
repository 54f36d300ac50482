"""Altair charts: the Vega-Lite spec embedded in the page and a static SVG fallback (vl-convert).

Chart data are plain values from the fit outputs; record text in them (model names, labels) is shown
by Vega as SVG text or in tooltips, which vega-tooltip escapes. The spec reaches the page only through
:func:`densing_site.escape.json_for_html`. Dates are ``YYYY-MM-DD`` strings on a UTC time scale, so a
chart reads the same in every time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd
import vl_convert

from densing_site.render import PageWriter

WIDTH = 560
HEIGHT = 360
CHATGPT_RELEASE = "2022-11-30"
FIT = alt.AutoSizeParams(type="fit-x", contains="padding")
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
    return alt.layer(*layers).properties(width="container", height=280, autosize=FIT)


def compression_chart(pairs: pd.DataFrame) -> alt.LayerChart:
    """Compressed models against their parents: density against parameters, a line from each parent
    to its compressed child; a density that is only a bound is an open circle with an arrow (up: at
    least, down: at most). ``pairs`` columns: ``pair, role, name, params, density, density_text,
    interval, bound, shape, url`` (``interval``: the density's 90% interval as text, or why none)."""
    x = _params_axis()
    y = alt.Y("density:Q", title="Density (log)", scale=alt.Scale(type="log"))
    base = alt.Chart(pairs)
    lines = base.mark_line(color="#999").encode(x=x, y=y, detail="pair:N")
    encoding = {
        "x": x,
        "y": y,
        "href": "url:N",
        "color": alt.Color(
            "role:N",
            title=None,
            scale=alt.Scale(domain=["parent", "compressed"], range=["#1f77b4", "#d62728"]),
        ),
        "tooltip": [
            alt.Tooltip("name:N", title="Model"),
            alt.Tooltip("role:N", title="Role"),
            alt.Tooltip("params:Q", title="Params", format=".3s"),
            alt.Tooltip("density_text:N", title="Density"),
            alt.Tooltip("interval:N", title="Density 90% interval"),
        ],
    }
    dots = base.transform_filter("!datum.bound").mark_circle(size=60, cursor="pointer").encode(**encoding)
    bounds = (
        base.transform_filter("datum.bound")
        .mark_point(size=360, filled=False, strokeWidth=1.5, cursor="pointer")
        .encode(shape=alt.Shape("shape:N", scale=None, legend=None), **encoding)
    )
    return alt.layer(lines, dots, bounds).properties(width="container", height=HEIGHT, autosize=FIT)
