"""Light static SVG charts drawn at build time: the headline densing-law chart of the leaderboard and
the small charts of a model page.

They need no script library (Vega stays on the pages with explorable charts), so the leaderboard's
chart is on screen as soon as the HTML is. Each point is a link to its model page with a ``<title>``
(the hover text); points carry ``data-f``/``data-o`` (family, organization) for the highlight control.
The legend is HTML next to the chart, so it can never collide with the marks. Every text is escaped.
Two sizes: ``wide`` for desktops and ``compact`` for phones (fewer ticks, larger marks and text).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from densing_site.charts import svgmarks

STATUS_COLORS = {"frontier": "#d62728", "in trend": "#1f77b4", "not in trend": "#9a9a9a"}
BENCH_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf")


@dataclass(frozen=True)
class Size:
    """Pixel size, margins and type of one rendering."""

    width: int
    height: int
    font: int
    radius: float
    max_x_ticks: int
    left: int = 56
    right: int = 14
    top: int = 22
    bottom: int = 34


WIDE = Size(width=760, height=300, font=12, radius=4.5, max_x_ticks=10)
COMPACT = Size(width=360, height=300, font=13, radius=5.5, max_x_ticks=4, left=50, right=10)
SMALL = Size(width=360, height=230, font=12, radius=4.0, max_x_ticks=5, left=50, right=10)


def _day(iso: str) -> float:
    return float(dt.date.fromisoformat(iso[:10]).toordinal())


class LogScale:
    """Log scale from a data range padded by ``pad`` (a factor), to pixels ``lo..hi``."""

    def __init__(self, values: Sequence[float], lo: float, hi: float, pad: float = 1.25) -> None:
        positive = [v for v in values if v and v > 0]
        small, large = (min(positive), max(positive)) if positive else (0.1, 10.0)
        self.d0, self.d1 = math.log10(small / pad), math.log10(large * pad)
        if self.d1 - self.d0 < 0.5:
            mid = (self.d0 + self.d1) / 2
            self.d0, self.d1 = mid - 0.25, mid + 0.25
        self.lo, self.hi = lo, hi

    def __call__(self, value: float) -> float:
        return self.lo + (math.log10(value) - self.d0) / (self.d1 - self.d0) * (self.hi - self.lo)

    def ticks(self, max_ticks: int = 6) -> list[float]:
        """Powers of ten inside the domain, with 2 and 5 (or 3) between them when there are few."""
        decades = range(math.floor(self.d0), math.ceil(self.d1) + 1)
        for mults in ((1, 2, 5), (1, 3), (1,)):
            out = [
                m * 10.0**k for k in decades for m in mults if self.d0 <= math.log10(m * 10.0**k) <= self.d1
            ]
            if len(out) <= max_ticks:
                return out
        step = math.ceil(len(out) / max_ticks)
        return out[::step]


class LinearScale:
    """Linear scale from ``d0..d1`` to pixels ``lo..hi``."""

    def __init__(self, d0: float, d1: float, lo: float, hi: float) -> None:
        self.d0, self.d1, self.lo, self.hi = d0, d1 if d1 > d0 else d0 + 1, lo, hi

    def __call__(self, value: float) -> float:
        return self.lo + (value - self.d0) / (self.d1 - self.d0) * (self.hi - self.lo)


def fmt_tick(value: float) -> str:
    """A log-axis tick: 0.01, 0.1, 1, 10 (up to 4 significant digits, no exponent)."""
    return f"{value:.4g}" if 1e-4 <= value < 1e5 else f"{value:.0e}"


def fmt_params(value: float) -> str:
    """A parameter count on an axis: 100M, 1B, 30B, 1T."""
    for unit, scale in (("T", 1e12), ("B", 1e9), ("M", 1e6)):
        if value >= scale:
            return f"{value / scale:.3g}{unit}"
    return f"{value:.3g}"


def _svg_open(size: Size, label: str, css: str) -> list[str]:
    return [
        f'<svg class="{css}" viewBox="0 0 {size.width} {size.height}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg" font-size="{size.font}">'
    ]


def _y_axis(out: list[str], y: LogScale, size: Size, title: str, fmt: Any = fmt_tick) -> None:
    x0, x1 = size.left, size.width - size.right
    for tick in y.ticks(6 if size is WIDE else 5):
        py = y(tick)
        out.append(f'<line class="grid" x1="{x0}" x2="{x1}" y1="{py:.1f}" y2="{py:.1f}"/>')
        out.append(f'<text class="tick" x="{x0 - 4}" y="{py + 4:.1f}" text-anchor="end">{fmt(tick)}</text>')
    mid = (y.lo + y.hi) / 2
    out.append(
        f'<text class="axis-title" transform="translate(12 {mid:.1f}) rotate(-90)" text-anchor="middle">'
        f"{escape(title)}</text>"
    )


def _x_years(out: list[str], x: LinearScale, size: Size) -> None:
    first, last = dt.date.fromordinal(int(x.d0)).year + 1, dt.date.fromordinal(int(x.d1)).year
    years = list(range(first, last + 1))
    step = max(1, math.ceil(len(years) / size.max_x_ticks))
    base = size.height - size.bottom
    for year in years[::step]:
        px = x(float(dt.date(year, 1, 1).toordinal()))
        out.append(f'<line class="tick-mark" x1="{px:.1f}" x2="{px:.1f}" y1="{base}" y2="{base + 4}"/>')
        out.append(f'<text class="tick" x="{px:.1f}" y="{base + 16}" text-anchor="middle">{year}</text>')


def simplify(points: list[tuple[float, float]], tolerance: float = 0.25) -> list[tuple[float, float]]:
    """``points`` without those that move the polyline by less than ``tolerance`` pixels
    (Ramer-Douglas-Peucker): a fitted curve of 60 points, or a straight trend line of hundreds,
    draws the same with a handful, which keeps pages with many small charts light."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x0, y0), (x1, y1) = points[first], points[last]
        length = math.hypot(x1 - x0, y1 - y0)
        far, index = 0.0, 0
        for i in range(first + 1, last):
            px, py = points[i]
            if length:
                dist = abs((x1 - x0) * (y0 - py) - (x0 - px) * (y1 - y0)) / length
            else:
                dist = math.hypot(px - x0, py - y0)
            if dist > far:
                far, index = dist, i
        if far > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def _path(points: list[tuple[float, float]]) -> str:
    return "M" + "L".join(f"{px:.1f},{py:.1f}" for px, py in simplify(points))


def _label_place(size: Size, px: float, py: float, radius: float, text: str) -> tuple[float, float]:
    """Where a point's label goes: centred above the point (below it near the top), moved sideways
    so that the whole text (estimated at 0.6 em a character) stays inside the plot area."""
    half = min(len(text) * size.font * 0.3, (size.width - size.left - size.right) / 2)
    lx = min(max(px, size.left + half), size.width - size.right - half)
    above = py - radius - 5
    return lx, above if above - size.font > size.top else py + radius + size.font + 2


def trend_svg(
    points: list[dict[str, Any]],
    line: list[dict[str, Any]],
    cut_date: str | None,
    *,
    extension: list[dict[str, Any]] | None = None,
    size: Size = WIDE,
    highlight: str | None = None,
    label: str = "Density of each model against its release date, with the fitted densing-law trend",
    tips: bool = True,
    groups: bool = True,
) -> str:
    """Density (log) against release date: points coloured by status (open, with an arrow, when the
    density is only a bound), the fitted line and its band, dashed past the last frontier point
    (``extension``: trend.json ``line_extension``), and a dashed rule at ``cut_date`` labelled ChatGPT
    (in the top margin, clear of every mark).

    ``points``: dicts with ``model, name, date, density, status, url, family, organization, tip`` and
    ``bound`` (``"lower"``, ``"upper"`` or empty). ``line``: trend.json ``line``. ``highlight``: a
    model id drawn large and labelled (the dashed extension's own label is then left to the caption).
    ``tips``: hover texts (left out of the phone rendering: phones do not hover, a tap opens the model).
    ``groups``: each point's ``data-f``/``data-o`` (left out of the phone rendering beside a wide one:
    the highlight control reads a point's family and organization from the wide point with its link)."""
    extension = extension or []
    pts = [p for p in points if p.get("density") and p["density"] > 0 and p.get("date")]
    dates = [_day(p["date"]) for p in pts] + [_day(p["date"]) for p in line + extension]
    if not dates:
        return ""
    x = LinearScale(min(dates) - 60, max(dates) + 60, size.left, size.width - size.right)
    band = [v for p in line for v in (p.get("low"), p.get("high")) if v]
    band += [p["density"] for p in extension if p.get("density")]
    y = LogScale([p["density"] for p in pts] + band, size.height - size.bottom, size.top)
    out = _svg_open(size, label, "dl-svg")
    _y_axis(out, y, size, "Density ρ (log)")
    _x_years(out, x, size)
    y_range = (10**y.d0, 10**y.d1)
    out += svgmarks.fit_paths(line, extension, lambda p: x(_day(p["date"])), y, y_range, _path, not highlight)
    if cut_date and x.d0 <= _day(cut_date) <= x.d1:
        px = x(_day(cut_date))
        out.append(
            f'<line class="cut" x1="{px:.1f}" x2="{px:.1f}" y1="{size.top}" '
            f'y2="{size.height - size.bottom}"/>'
        )
        out.append(f'<text class="cut-label" x="{px + 3:.1f}" y="{size.top - 6}">ChatGPT</text>')
    order = sorted(pts, key=lambda p: (p["model"] == highlight, p["status"] == "frontier", p["model"]))
    for p in order:
        px, py = x(_day(p["date"])), y(p["density"])
        big = p["model"] == highlight
        radius = size.radius * (1.8 if big else 1)
        css = "pt pt-me" if big else "pt"
        color = STATUS_COLORS.get(p["status"], "#777")
        mark = svgmarks.point_mark(
            px, py, radius, color, bound=p.get("bound"), css=css, title=p["tip"] if tips else ""
        )
        grouped = (
            f' data-f="{escape(p.get("family") or "")}" data-o="{escape(p.get("organization") or "")}"'
            if groups
            else ""
        )
        out.append(f'<a href="{escape(p["url"])}"{grouped}>{mark}</a>')
        if big:
            lx, ly = _label_place(size, px, py, radius, p["name"])
            out.append(
                f'<text class="me-label" x="{lx:.1f}" y="{ly:.1f}" text-anchor="middle">'
                f"{escape(p['name'])}</text>"
            )
    out.append("</svg>")
    return "".join(out)


def ruler_svg(
    curves: dict[str, list[dict[str, Any]]],
    readings: list[dict[str, Any]],
    actual_params: float | None,
    *,
    size: Size = SMALL,
    label: str = "The model's scores on the ruler's curves",
) -> str:
    """Score against parameters (log): each benchmark's ruler curve, the model's score placed at the
    effective size it reads as (one marker per benchmark), and a dashed rule at its actual size.

    ``curves``: benchmark -> ruler.json ``curve``; ``readings``: dicts ``benchmark, name, score,
    effective_params``."""
    xs = [c["params"] for curve in curves.values() for c in curve]
    xs += [r["effective_params"] for r in readings if r.get("effective_params")]
    if actual_params:
        xs.append(actual_params)
    if not xs:
        return ""
    x = LogScale(xs, size.left, size.width - size.right, pad=1.1)
    scores = [c["score"] for curve in curves.values() for c in curve] + [r["score"] for r in readings]
    y = LinearScale(min(0.0, *scores), max(100.0, *scores), size.height - size.bottom, size.top)
    out = _svg_open(size, label, "ruler-svg")
    for tick in (0, 25, 50, 75, 100):
        py = y(tick)
        out.append(
            f'<line class="grid" x1="{size.left}" x2="{size.width - size.right}" '
            f'y1="{py:.1f}" y2="{py:.1f}"/>'
        )
        out.append(f'<text class="tick" x="{size.left - 4}" y="{py + 4:.1f}" text-anchor="end">{tick}</text>')
    out.append(
        f'<text class="axis-title" transform="translate(12 {(y.lo + y.hi) / 2:.1f}) rotate(-90)" '
        'text-anchor="middle">Score (%)</text>'
    )
    base = size.height - size.bottom
    for tick in x.ticks(size.max_x_ticks):
        px = x(tick)
        out.append(
            f'<text class="tick" x="{px:.1f}" y="{base + 16}" text-anchor="middle">{fmt_params(tick)}</text>'
        )
    colors = {b: BENCH_COLORS[i % len(BENCH_COLORS)] for i, b in enumerate(curves)}
    for bench, curve in curves.items():
        pts = [(x(c["params"]), y(c["score"])) for c in curve if c.get("params")]
        if pts:
            out.append(f'<path class="curve" stroke="{colors[bench]}" d="{_path(pts)}"/>')
    if actual_params:
        px = x(actual_params)
        out.append(f'<line class="cut" x1="{px:.1f}" x2="{px:.1f}" y1="{size.top}" y2="{base}"/>')
        out.append(f'<text class="cut-label" x="{px + 3:.1f}" y="{size.top - 6}">actual size</text>')
    for r in readings:
        if not r.get("effective_params"):
            continue
        bound = r.get("bound")
        size_words = f"{svgmarks.BOUND_WORDS[bound]} " if bound in svgmarks.BOUND_WORDS else ""
        tip = f"{r['name']}: score {r['score']:.1f} reads as {size_words}{fmt_params(r['effective_params'])}"
        out.append(
            svgmarks.point_mark(
                x(r["effective_params"]),
                y(r["score"]),
                size.radius,
                colors.get(r["benchmark"], "#333"),
                bound=bound,
                title=tip,
                axis="x",
            )
        )
    out.append("</svg>")
    return "".join(out)


STANDALONE_STYLE = (
    "text{font-family:sans-serif;fill:#555}.grid{stroke:#e5e5e5}.tick-mark{stroke:#bbb}"
    ".band{fill:#1f77b4;opacity:.16}.fit{fill:none;stroke:#1f77b4;stroke-width:2}"
    ".cut{stroke:#777;stroke-dasharray:4 4}.pt{fill-opacity:.85;stroke:#fff;stroke-width:.8}"
    ".pt-open{fill:#fff;fill-opacity:1;stroke:currentColor;stroke-width:1.5}"
    ".pt-arrow{fill:none;stroke:currentColor;stroke-width:1.5}"
    ".pt-open:not([color]),.pt-arrow:not([color]){color:#9a9a9a}.band-ext{opacity:.07}"
    ".fit-ext{stroke-dasharray:6 4}.ext-label{fill:#1f77b4;font-size:.9em}"
    ".pt-me{stroke:#000;stroke-width:2.5;fill-opacity:1}.me-label,.chart-title{font-weight:700;fill:#222}"
    ".curve{fill:none;stroke-width:2}"
)
"""The site stylesheet's chart rules in fixed colours, for a chart saved on its own."""


def standalone_svg(svg: str, title: str) -> str:
    """``svg`` (from :func:`trend_svg` or :func:`ruler_svg`) as a file that reads the same outside the
    site: its styles inline, a white background, and ``title`` (escaped) as its ``<title>`` and as a
    line of text above the plot (the top margin grows to make room)."""
    if not svg:
        return ""
    head, sep, body = svg.partition(">")
    match = re.search(r'viewBox="0 0 (\d+) (\d+)"', head)
    if not sep or match is None:
        raise ValueError("standalone_svg: expected an <svg> with a viewBox, as trend_svg draws")
    width, height = int(match.group(1)), int(match.group(2))
    head = head.replace(match.group(0), f'viewBox="0 -22 {width} {height + 22}"')
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{head}{sep}<title>{escape(title)}</title>'
        f"<style>{STANDALONE_STYLE}</style>"
        f'<rect x="0" y="-22" width="{width}" height="{height + 22}" fill="#fff"/>'
        f'<text class="chart-title" x="8" y="-6">{escape(title)}</text>{body}\n'
    )


def bench_colors(benchmarks: Sequence[str]) -> dict[str, str]:
    """The colour of each benchmark in :func:`ruler_svg` (for the HTML legend)."""
    return {b: BENCH_COLORS[i % len(BENCH_COLORS)] for i, b in enumerate(benchmarks)}
