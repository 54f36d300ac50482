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


def save_chart(writer: PageWriter, name: str, chart: alt.TopLevelMixin, description: str) -> Chart:
    """Turn ``chart`` into a spec, write its SVG fallback to ``charts/<name>.svg`` and return both."""
    spec = chart.to_dict()
    svg = vl_convert.vegalite_to_svg(spec)
    path = f"charts/{name}.svg"
    writer.write_text(path, svg)
    return Chart(name=name, spec=spec, svg_path=path, description=description)


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


def _date_axis(title: str = "Release date") -> alt.X:
    return alt.X(
        "date:T",
        title=title,
        scale=alt.Scale(type="utc"),
        axis=alt.Axis(format="%Y", tickCount="year", labelFlush=False),
    )


def density_chart(points: pd.DataFrame, line: list[dict[str, Any]], cut_date: str | None) -> alt.LayerChart:
    """Density against release date on a log axis: models coloured by frontier/trend status, the
    fitted densing line with its confidence band, and a rule at the cut date (ChatGPT's release).

    ``points`` columns: ``name, model, date, released, params, effective_params, density, status,
    url`` (``released`` repeats the date as text for the tooltip: Vega parses ``date`` to a time).
    """
    base = alt.Chart(points)
    status = alt.Color(
        "status:N",
        title=None,
        scale=alt.Scale(domain=list(STATUS_COLORS), range=list(STATUS_COLORS.values())),
        legend=alt.Legend(orient="top-left"),
    )
    dots = base.mark_circle(size=55, opacity=0.85, cursor="pointer").encode(
        x=_date_axis(),
        y=alt.Y("density:Q", title="Density ρ = N̂ / N (log)", scale=alt.Scale(type="log")),
        color=status,
        href="url:N",
        tooltip=[
            alt.Tooltip("name:N", title="Model"),
            alt.Tooltip("released:N", title="Released"),
            alt.Tooltip("params:N", title="Params"),
            alt.Tooltip("effective_params:N", title="Effective params"),
            alt.Tooltip("density:Q", title="Density", format=".3g"),
        ],
    )
    layers: list[alt.Chart] = []
    if line:
        fitted = alt.Chart(pd.DataFrame(line))
        layers.append(
            fitted.mark_area(opacity=0.18, color="#1f77b4").encode(
                x=_date_axis(), y=alt.Y("low:Q", scale=alt.Scale(type="log")), y2="high:Q"
            )
        )
        layers.append(
            fitted.mark_line(color="#1f77b4").encode(
                x=_date_axis(), y=alt.Y("density:Q", scale=alt.Scale(type="log"))
            )
        )
    layers.append(dots)
    if cut_date:
        rule = alt.Chart(pd.DataFrame([{"date": cut_date, "label": "ChatGPT"}]))
        layers.append(rule.mark_rule(strokeDash=[4, 4], color="#777").encode(x=_date_axis()))
        layers.append(
            rule.mark_text(align="left", dx=4, dy=-HEIGHT // 2 + 10, color="#555").encode(
                x=_date_axis(), text="label:N"
            )
        )
    return alt.layer(*layers).properties(width=WIDTH, height=HEIGHT)


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
    return alt.layer(*layers).properties(width=420, height=280)


def compression_chart(pairs: pd.DataFrame) -> alt.LayerChart:
    """Compressed models against their parents: density against parameters, a line from each parent
    to its compressed child. ``pairs`` columns: ``pair, role, name, params, density, url``."""
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
        ],
    )
    return alt.layer(lines, dots).properties(width=WIDTH, height=HEIGHT)
