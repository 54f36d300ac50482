"""Marks the static SVG charts share (``svgchart``): a reading's point, which is a filled circle when
the reading is exact and an open circle with an arrow when it is only a bound (up for "at least", down
for "at most"; right and left on a size axis), and a fitted line with its band, solid up to its last
frontier point and dashed beyond it, labelled as an extrapolation.

Every text that reaches the SVG is escaped here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from html import escape
from typing import Any

BOUND_WORDS = {"lower": "at least", "upper": "at most"}
"""A bound's side in words (a reading ``above_ruler`` is a lower bound, ``below_ruler`` an upper one)."""
BOUND_COLOR = "#9a9a9a"
"""The colour of a bound's marker unless it is given another (the stylesheets set it as the default)."""
EXTENSION_LABEL = "extrapolated past the last frontier point"
"""What the dashed part of a fitted line is (its hover text and the legends say so in full)."""


def point_mark(
    px: float,
    py: float,
    radius: float,
    color: str,
    *,
    bound: str | None = None,
    css: str = "pt",
    title: str = "",
    axis: str = "y",
) -> str:
    """A reading at (px, py): a filled circle, or for a ``bound`` (``"lower"``/``"upper"``) an open
    circle with an arrow pointing where the true value may lie (``axis="y"``: up for a lower bound,
    down for an upper one; ``axis="x"``: right and left). ``title`` is the hover text."""
    tip = f"<title>{escape(title)}</title>" if title else ""
    at = f'cx="{px:.1f}" cy="{py:.1f}" r="{radius:.1f}"'
    if bound not in BOUND_WORDS:
        return f'<circle class="{css}" {at} fill="{color}">{tip}</circle>'
    # a bound is never in the trend: grey unless told otherwise (the stylesheets' default colour)
    tint = "" if color == BOUND_COLOR else f' color="{color}"'
    circle = f'<circle class="{css} pt-open" {at}{tint}>{tip}</circle>'
    return circle + f'<path class="pt-arrow"{tint} d="{_arrow(px, py, radius, bound, axis)}"/>'


def _arrow(px: float, py: float, radius: float, bound: str, axis: str) -> str:
    """The arrow's path: a stem from the circle's edge and a head, pointing away from the circle."""
    length, head = radius * 1.6 + 3, max(2.5, radius * 0.7)
    if axis == "y":
        sign = -1 if bound == "lower" else 1  # SVG's y grows downwards: "at least" points up
        start, end = py + sign * radius, py + sign * (radius + length)
        back = end - sign * head
        stem = f"M{px:.1f},{start:.1f}V{end:.1f}"
        return f"{stem}M{px - head:.1f},{back:.1f}L{px:.1f},{end:.1f}L{px + head:.1f},{back:.1f}"
    sign = 1 if bound == "lower" else -1  # a size axis: "at least" points right
    start, end = px + sign * radius, px + sign * (radius + length)
    back = end - sign * head
    stem = f"M{start:.1f},{py:.1f}H{end:.1f}"
    return f"{stem}M{back:.1f},{py - head:.1f}L{end:.1f},{py:.1f}L{back:.1f},{py + head:.1f}"


def fit_paths(
    line: list[dict[str, Any]],
    extension: list[dict[str, Any]],
    x: Callable[[dict[str, Any]], float],
    y: Callable[[float], float],
    y_range: tuple[float, float],
    path: Callable[[list[tuple[float, float]]], str],
    label: bool = True,
) -> list[str]:
    """The fitted line's band and line (``line``: trend.json ``line``), then its extrapolation
    (``line_extension``): a fainter band and a dashed line with a hover text and a short label at its
    end. ``x(point)`` and ``y(value)`` map to pixels, ``y_range`` is the axis' value range (the band
    and line are clamped to it), ``path`` turns pixel points into path data; ``label=False`` leaves the
    label out (a chart whose caption says it, where a labelled model may stand there)."""
    out: list[str] = []
    for points, band_css, line_css in ((line, "band", "fit"), (extension, "band band-ext", "fit fit-ext")):
        kept = _in_range(points, y_range)
        if len(kept) < 2:
            continue
        clamp = _clamp(y_range)
        upper = [(x(p), y(clamp(p["high"]))) for p in kept]
        lower = [(x(p), y(clamp(p["low"]))) for p in reversed(kept)]
        mid = [(x(p), y(clamp(p["density"]))) for p in kept]
        out.append(f'<path class="{band_css}" d="{path(upper + lower)}Z"/>')
        if points is extension:
            out.append(f'<path class="{line_css}" d="{path(mid)}"><title>{EXTENSION_LABEL}</title></path>')
            if label:
                out.append(_label(mid[-1], mid[0], y(y_range[1])))
        else:
            out.append(f'<path class="{line_css}" d="{path(mid)}"/>')
    return out


def _in_range(points: list[dict[str, Any]], y_range: tuple[float, float]) -> list[dict[str, Any]]:
    low, high = (math.log10(v) for v in y_range)
    return [
        p
        for p in points
        if p.get("low") and p.get("high") and p.get("density") and low <= math.log10(p["density"]) <= high + 1
    ]


def _clamp(y_range: tuple[float, float]) -> Callable[[float], float]:
    return lambda value: min(max(value, y_range[0]), y_range[1])


def _label(end: tuple[float, float], start: tuple[float, float], top: float) -> str:
    """``extrapolated`` at the dashed line's end, above it when it rises (never above the plot's top)."""
    ex, ey = end
    ly = max(ey - 6 if ey <= start[1] else ey + 14, top + 12)
    return f'<text class="ext-label" x="{ex:.1f}" y="{ly:.1f}" text-anchor="end">extrapolated</text>'
