"""One page per model (``models/<model-id>/``): its records with sources and protocols, density per
benchmark, superseded records, and compression parent and children."""

from __future__ import annotations

from typing import Any

from densing_site.escape import safe_title
from densing_site.formatting import number
from densing_site.render import PageWriter
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
    contexts = []
    for model in models:
        density = densities.get(model["id"])
        used = {d["score_id"] for d in _per_benchmark(density, benchmarks) if d["score_id"]}
        model_scores = [
            s | {"used": s["id"] in used, "location": data.record_location(s["path"], s["line"])}
            for s in scores.get(model["id"], [])
        ]
        contexts.append(
            {
                "model": model,
                "location": data.record_location(model["path"], model["line"]),
                "density": density,
                "flags": split_flags(density["flags"]) if density else [],
                "per_benchmark": _per_benchmark(density, benchmarks),
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
