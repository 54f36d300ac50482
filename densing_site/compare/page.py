"""The compare view (``compare/?models=a,b,c``): two to four models side by side on every track and
benchmark. The page holds the picker and what every model file shares (tracks, benchmark names, data
version); ``compare.js`` reads the selection from the address, fetches one small file per model
(``compare/models/<id>.json``, :mod:`densing_site.compare.data`) and draws the table, so the page stays
the same size however many models the data hold.
"""

from __future__ import annotations

from typing import Any

from densing_site.compare.data import model_json
from densing_site.escape import json_for_html
from densing_site.pages.leaderboard import track_benchmarks
from densing_site.render import PageWriter
from densing_site.sitedata import SiteData
from densing_site.text.tables import rows

PAGE = "compare.md"
MAX_MODELS = 4
"""Most models the view sets side by side (the page's words say "two to four")."""


def model_data_path(model_id: str) -> str:
    """Where a model's compare file goes, relative to the site root."""
    return f"compare/models/{model_id}.json"


def compare_url(model_ids: list[str]) -> str:
    """The compare view of ``model_ids``, relative to the site root (ids are slugs: no escaping)."""
    return "compare/?models=" + ",".join(model_ids[:MAX_MODELS])


def write_model_data(writer: PageWriter, context: dict[str, Any]) -> None:
    """Write the compare file of the model of a model page ``context``: JSON with ``< > & '`` written as
    ``\\uXXXX`` escapes, so record text in it can never read as markup even if opened as a page."""
    text = str(json_for_html(model_json(context))).replace("'", "\\u0027")
    writer.write_text(model_data_path(context["model"]["id"]), text + "\n")


def page_meta(data: SiteData) -> dict[str, Any]:
    """What every comparison shares: data version, tracks (default first) with their benchmarks, the
    benchmarks' names, the most models shown (the page adds the models to choose from, as [id, name]:
    JSON, so the search index does not take every model's name for this page's text)."""
    default = data.fit.default_track
    tracks = [data.fit.track()] + [t for t in data.fit.tracks if t.id != default]
    return {
        "version": data.ds.version,
        "max": MAX_MODELS,
        "tracks": [
            {
                "id": t.id,
                "label": t.label,
                "ruler": t.ruler,
                "default": t.id == default,
                "benchmarks": track_benchmarks(t),
                "aggregate": list(t.benchmarks),
            }
            for t in tracks
        ],
        "benchmarks": dict(zip(data.ds.benchmarks["id"], data.ds.benchmarks["name"], strict=True)),
    }


def write_compare_page(writer: PageWriter, data: SiteData) -> None:
    """Write the compare page (the model files are written with the model pages)."""
    models = [[m["id"], m["name"]] for m in rows(data.ds.models.sort_values("name", kind="stable"))]
    writer.render_page(
        PAGE,
        "compare.md.j2",
        title="Compare models",
        hide=("navigation", "toc"),
        raw_html=True,
        scripts=("compare.js",),
        styles=("views.css",),
        context={"meta": page_meta(data) | {"models": models}, "version": data.ds.version},
    )
