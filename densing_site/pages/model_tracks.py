"""A model on every track: its density, interval and rank, the benchmarks each track read it from
(scores used, effective sizes, flags) and the small charts of each track (trend and ruler).

A model page leads with the track that gives the model a density: the default track when it does,
else the first other track (in the fit outputs' order) that does. Every track that reads the model
(with a density or at least one usable score) gets its own section; the others get one line.
"""

from __future__ import annotations

from typing import Any

from densing_site.charts import svg as svgchart
from densing_site.inputs.fit_tracks import Track
from densing_site.pages.leaderboard import track_benchmarks, track_url
from densing_site.sitedata import SiteData
from densing_site.text.formatting import bound_side, fmt_score, number
from densing_site.text.tables import rows, split_flags


def ordered_tracks(data: SiteData) -> list[Track]:
    """The default track first, then the others in the fit outputs' order."""
    default = data.fit.default_track
    return [data.fit.track()] + [t for t in data.fit.tracks if t.id != default]


def per_benchmark(data: SiteData, row: dict[str, Any] | None, benchmarks: list[str]) -> list[dict[str, Any]]:
    """One entry per benchmark of a track: the score it used, the effective size it read, the
    density that size gives and the benchmark's flags with their explanations."""
    if row is None:
        return []
    params = number(row.get("params"))
    out = []
    for bench in benchmarks:
        n_hat = number(row.get(f"{bench}_effective_params"))
        flag = row.get(f"{bench}_flag") or ""
        out.append(
            {
                "benchmark": bench,
                "score": number(row.get(f"{bench}_score")),
                "score_id": row.get(f"{bench}_score_id"),
                "effective_params": n_hat,
                "density": None if n_hat is None or not params else n_hat / params,
                "bound": bound_side(flag),
                "flags": [(f, data.fit.flag_text(f)) for f in split_flags(flag)],
            }
        )
    return out


def _has_reading(bench: dict[str, Any]) -> bool:
    return bench["score"] is not None or bool(bench["effective_params"]) or bool(bench["flags"])


def track_reading(data: SiteData, track: Track, row: dict[str, Any] | None) -> dict[str, Any]:
    """What ``track`` makes of a model from its densities.csv ``row`` (None when the track has no row
    for it): density with interval, rank, flags and the per-benchmark readings."""
    benches = per_benchmark(data, row, track_benchmarks(track))
    density = None if row is None else number(row.get("density"))
    rank = None if row is None else number(row.get("rank"))
    return {
        "id": track.id,
        "label": track.label,
        "ruler": track.ruler or str(track.trend.get("ruler") or ""),
        "url": track_url(track.id, data.fit.default_track),
        "anchor": f"track-{track.id}",
        "default": track.id == data.fit.default_track,
        "row": row or {},
        "density": density,
        "low": None if row is None else number(row.get("density_low")),
        "high": None if row is None else number(row.get("density_high")),
        "rank": None if rank is None else int(rank),
        "rank_low": None if rank is None else _int((row or {}).get("rank_low")),
        "rank_high": None if rank is None else _int((row or {}).get("rank_high")),
        "n_citable": track.n_citable,
        "citable": bool(row and row.get("citable")),
        "flags": [(f, data.fit.flag_text(f)) for f in split_flags((row or {}).get("flags"))],
        "per_benchmark": benches,
        "used": [b for b in benches if b["score"] is not None],
        "shown": [b for b in benches if _has_reading(b)],
        "unread": [b["benchmark"] for b in benches if not _has_reading(b)],
        "charts": {},
    }


def _int(value: Any) -> int | None:
    n = number(value)
    return None if n is None else int(n)


def lead_reading(readings: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The track a page leads with: the default one when it gives a density, else the first that does
    (``readings`` come default first, see :func:`ordered_tracks`)."""
    return next((r for r in readings if r["density"] is not None), None)


def readers(reading: dict[str, Any], bench_names: dict[str, str]) -> list[str]:
    """``MMLU 25.0``, ... : the scores a track read an effective size from."""
    return [
        f"{bench_names.get(b['benchmark'], b['benchmark'])} {fmt_score(b['score'])}"
        for b in reading["per_benchmark"]
        if b["effective_params"]
    ]


def _ruler_curves(data: SiteData, ruler_id: str) -> dict[str, Any]:
    ruler = data.fit.rulers.get(ruler_id)
    if ruler is None and data.fit.ruler.get("ruler") == ruler_id:
        ruler = data.fit.ruler
    return (ruler or {}).get("benchmarks") or {}


def reading_charts(
    data: SiteData,
    model: dict[str, Any],
    reading: dict[str, Any],
    points: list[dict[str, Any]],
) -> dict[str, Any]:
    """The small charts of one track on a model page: the model on the track's densing-law trend
    (``points``: the track's :func:`~densing_site.pages.leaderboard.chart_points`) and its scores on
    the track's ruler. Empty strings where there is nothing to draw."""
    track = data.fit.track(reading["id"])
    out: dict[str, Any] = {"trend": "", "ruler": "", "ruler_colors": {}, "bounds": [], "ruler_bounds": []}
    if reading["density"] is not None and any(p["model"] == model["id"] for p in points):
        # the model, its family and the frontier: enough context, and a page that stays small when
        # the data hold thousands of models
        shown = [
            p
            for p in points
            if p["model"] == model["id"] or p["status"] == "frontier" or p["family"] == model["family"]
        ]
        out["trend"] = svgchart.trend_svg(
            shown,
            track.trend.get("line") or [],
            (track.trend.get("cut") or {}).get("date"),
            extension=track.trend.get("line_extension") or [],
            size=svgchart.SMALL,
            highlight=model["id"],
            label=f"{model['id']} on the densing-law trend of the {track.label} track",
        )
        out["bounds"] = sorted({p["bound"] for p in shown if p.get("bound")})
        out["extension"] = "fit-ext" in out["trend"]
    curves_of = _ruler_curves(data, reading["ruler"])
    marks = [
        {
            "benchmark": b["benchmark"],
            "name": b["benchmark"],
            "score": b["score"],
            "effective_params": b["effective_params"],
            "bound": b["bound"],
        }
        for b in reading["per_benchmark"]
        if b["effective_params"] and b["score"] is not None
    ]
    curves = {m["benchmark"]: (curves_of.get(m["benchmark"]) or {}).get("curve") or [] for m in marks}
    if marks:
        out["ruler"] = svgchart.ruler_svg(
            curves,
            marks,
            number(model["params_total"]),
            label=f"{model['id']}'s scores on the {reading['ruler']} ruler's curves ({track.label} track)",
        )
        out["ruler_colors"] = svgchart.bench_colors(list(curves))
        out["ruler_bounds"] = sorted({m["bound"] for m in marks if m["bound"]})
    return out


def rows_by_track(data: SiteData) -> dict[str, dict[str, dict[str, Any]]]:
    """Each track's densities.csv rows by model id (read once per build, not once per page)."""
    return {t.id: {r["model"]: r for r in rows(t.densities)} for t in data.fit.tracks}


def model_readings(
    data: SiteData,
    model: dict[str, Any],
    track_rows: dict[str, dict[str, dict[str, Any]]],
    points: dict[str, list[dict[str, Any]]],
    bench_names: dict[str, str],
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Every track's reading of ``model`` (default first) with its charts, and the lead reading.

    ``track_rows``: :func:`rows_by_track`; ``points``: each track's chart points, by track id (both
    computed once per build)."""
    readings = []
    for track in ordered_tracks(data):
        reading = track_reading(data, track, track_rows[track.id].get(model["id"]))
        reading["readers"] = readers(reading, bench_names)
        reading["charts"] = reading_charts(data, model, reading, points.get(track.id, []))
        readings.append(reading)
    return readings, lead_reading(readings)
