"""One page per model (``models/<model-id>/``): its records with sources and protocols, density per
benchmark, superseded records, and compression parent and children."""

from __future__ import annotations

from typing import Any

from densing_site import svgchart
from densing_site.escape import safe_title
from densing_site.formatting import fmt_date, fmt_score, number
from densing_site.links import record_url
from densing_site.pages.leaderboard import chart_points, track_url
from densing_site.render import PageWriter, root_prefix
from densing_site.sitedata import SiteData
from densing_site.tables import group_by, rows, split_flags


def model_page_path(model_id: str) -> str:
    """Source path of a model's page (its URL is ``models/<model-id>/``)."""
    return f"models/{model_id}.md"


def _per_benchmark(density: dict[str, Any] | None, benchmarks: list[str]) -> list[dict[str, Any]]:
    if density is None:
        return []
    params = number(density["params"])
    out = []
    for bench in benchmarks:
        n_hat = number(density.get(f"{bench}_effective_params"))
        out.append(
            {
                "benchmark": bench,
                "score": density.get(f"{bench}_score"),
                "score_id": density.get(f"{bench}_score_id"),
                "effective_params": n_hat,
                "density": None if n_hat is None or not params else n_hat / params,
                "flag": density.get(f"{bench}_flag") or "",
            }
        )
    return out


def _history(data: SiteData) -> tuple[dict[str, list[dict]], dict[str, list[dict]]]:
    """Superseded or retracted revisions: of each model, and of each model's scores."""
    old_models = rows(data.ds.history["model"].loc[lambda f: ~f["current"]])
    old_scores = rows(data.ds.history["score"].loc[lambda f: ~f["current"]])
    return group_by(old_models, "id"), group_by(old_scores, "model")


def setting_words(score: dict[str, Any]) -> str:
    """A score's setting as a list without stray commas: ``accuracy, 25-shot, CoT``."""
    parts = [str(score.get("metric") or "").strip()]
    if number(score.get("shots")) is not None:
        parts.append(f"{int(number(score['shots']))}-shot")
    if score.get("cot"):
        parts.append("CoT")
    return ", ".join(p for p in parts if p)


def track_summaries(data: SiteData, model_id: str) -> list[dict[str, Any]]:
    """The model's reading on every track that has a density for it: density, interval, rank."""
    out = []
    for track in data.fit.tracks:
        match = track.densities[track.densities["model"] == model_id]
        if match.empty:
            continue
        row = rows(match)[0]
        if number(row.get("density")) is None:
            continue
        rank = number(row.get("rank"))
        out.append(
            {
                "id": track.id,
                "label": track.label,
                "url": track_url(track.id, data.fit.default_track),
                "default": track.id == data.fit.default_track,
                "density": row["density"],
                "low": row.get("density_low"),
                "high": row.get("density_high"),
                "rank": None if rank is None else int(rank),
                "n_citable": track.n_citable,
                "citable": bool(row.get("citable")),
            }
        )
    return out


def model_charts(
    data: SiteData, model: dict[str, Any], per_benchmark: list[dict[str, Any]], points: list[dict[str, Any]]
) -> dict[str, str]:
    """The small charts of a model page: the model on the densing-law trend (``points``: the default
    track's :func:`chart_points`) and on the ruler."""
    track = data.fit.track()
    out = {"trend": "", "ruler": ""}
    if any(p["model"] == model["id"] for p in points):
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
            size=svgchart.SMALL,
            highlight=model["id"],
            label=f"{model['id']} on the densing-law trend of the {track.label} track",
        )
    curves_of = data.fit.ruler.get("benchmarks") or {}
    readings = [
        {
            "benchmark": b["benchmark"],
            "name": b["benchmark"],
            "score": number(b["score"]),
            "effective_params": b["effective_params"],
        }
        for b in per_benchmark
        if b["effective_params"] and number(b["score"]) is not None
    ]
    curves = {r["benchmark"]: (curves_of.get(r["benchmark"]) or {}).get("curve") or [] for r in readings}
    if readings:
        out["ruler"] = svgchart.ruler_svg(curves, readings, number(model["params_total"]))
        out["ruler_colors"] = svgchart.bench_colors(list(curves))
    return out


def model_contexts(data: SiteData) -> list[dict[str, Any]]:
    """The context of every model page, sorted by model id."""
    benchmarks = data.fit.benchmarks
    densities = {r["model"]: r for r in rows(data.fit.densities)}
    scores = group_by(rows(data.ds.scores.sort_values(["benchmark", "id"], kind="stable")), "model")
    old_models, old_scores = _history(data)
    models = rows(data.ds.models.sort_values("id", kind="stable"))
    names = {m["id"]: m["name"] for m in models}
    children = group_by([m for m in models if m["derived_from_model"]], "derived_from_model")
    compression = {r["model"]: r for r in rows(data.fit.compression)}
    bench_names = dict(zip(data.ds.benchmarks["id"], data.ds.benchmarks["name"], strict=True))
    points = chart_points(data.fit.track(), root_prefix(model_page_path("x")))
    contexts = []
    for model in models:
        density = densities.get(model["id"])
        used = {d["score_id"] for d in _per_benchmark(density, benchmarks) if d["score_id"]}
        model_scores = [
            s
            | {
                "used": s["id"] in used,
                "location": data.record_location(s["path"], s["line"]),
                "record_url": record_url(data.record_location(s["path"], s["line"])),
                "setting": setting_words(s),
            }
            for s in scores.get(model["id"], [])
        ]
        per_benchmark = _per_benchmark(density, benchmarks)
        for b in per_benchmark:
            b["flags"] = [(f, data.fit.flag_text(f)) for f in split_flags(b["flag"])]
        location = data.record_location(model["path"], model["line"])
        contexts.append(
            {
                "model": model,
                "location": location,
                "record_url": record_url(location),
                "density": density,
                "flags": [(f, data.fit.flag_text(f)) for f in split_flags(density["flags"])]
                if density
                else [],
                "per_benchmark": per_benchmark,
                "tracks": track_summaries(data, model["id"]),
                "charts": model_charts(data, model, per_benchmark, points),
                "ruler_id": data.fit.trend.get("ruler", ""),
                "released": fmt_date(model["release_date"]),
                "readers": [
                    bench_names.get(b["benchmark"], b["benchmark"]) + f" {fmt_score(b['score'])}"
                    for b in per_benchmark
                    if b["effective_params"]
                ],
                "scores": model_scores,
                "old_model": [
                    m | {"location": data.record_location(m["path"], m["line"])}
                    for m in old_models.get(model["id"], [])
                ],
                "old_scores": [
                    s | {"location": data.record_location(s["path"], s["line"])}
                    for s in old_scores.get(model["id"], [])
                ],
                "parent": model["derived_from_model"],
                "parent_name": names.get(model["derived_from_model"]),
                "children": children.get(model["id"], []),
                "compression": compression.get(model["id"]),
                "bench_names": bench_names,
            }
        )
    return contexts


def write_model_pages(writer: PageWriter, data: SiteData) -> list[str]:
    """Write one page per current model; return the model ids."""
    ids = []
    for context in model_contexts(data):
        model = context["model"]
        writer.render_page(
            model_page_path(model["id"]),
            "model.md.j2",
            title=safe_title(model["name"], model["id"]),
            hide=("toc",),
            raw_html=True,
            context=context,
        )
        ids.append(model["id"])
    return ids
