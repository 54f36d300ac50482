"""One page per model (``models/<model-id>/``): its reading on every track (density, interval, rank and
rank range, density per benchmark, small charts, a "Cite this" box per reading), its records with
sources and protocols, superseded records, and compression parent and children.

The page leads with a summary that fits the first screen (the lead track's reading, every track's
density side by side, flags in words, the citation); the per-track details of the other tracks, the
Scores table and the superseded records are folded (``<details>``), one click away and found by the
browser's find-in-page."""

from __future__ import annotations

import posixpath
from typing import Any

from densing_site.citing.badges import Badge, badge_snippets, write_badges
from densing_site.citing.cite_boxes import CiteContext, cite_context, density_citation
from densing_site.compare.links import compare_links, rank_index
from densing_site.compare.page import write_model_data
from densing_site.forecast.model import reading_forecast, track_forecast
from densing_site.pages.leaderboard import chart_points
from densing_site.pages.model_tracks import model_readings, rows_by_track
from densing_site.render import PageWriter, root_prefix
from densing_site.sitedata import SiteData
from densing_site.text.formatting import fmt_date, number
from densing_site.text.tables import group_by, rows

SHORT_LOCATOR = 48
"""A source locator up to this many characters is the source link's text; a longer one is shown as
a second line under a link reading ``source``."""


LONG_NOTE = 200
"""A score's own note longer than this many characters is folded (``<details>``) in the Scores table:
one click away, and found by the browser's find-in-page."""


def model_page_path(model_id: str) -> str:
    """Source path of a model's page (its URL is ``models/<model-id>/``)."""
    return f"models/{model_id}.md"


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


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def short_location(location: str, model_id: str, line: Any) -> str:
    """A score record's place, short: ``line 18`` in the model's own scores file, else
    ``file.yaml:18`` (the full path stays in the link and its hover text)."""
    name = posixpath.basename(location)
    if line and name == f"{model_id}.yaml:{line}":
        return f"line {line}"
    return name


def _placed(data: SiteData, record: dict[str, Any], model_id: str) -> dict[str, Any]:
    """``record`` with its location (``path:line``), the short form of it and its repository URL."""
    location = data.record_location(record["path"], record["line"])
    return record | {
        "location": location,
        "short_location": short_location(location, model_id, record["line"]),
        "record_url": data.record_url(location),
    }


def protocol_legend(scores: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each protocol on a page once, with its description (a score's ``protocol_notes``), in order of
    first appearance; ``key`` tells a protocol's variants apart when its scores describe it
    differently (``a``, ``b``, ...; empty when it has one description). A protocol none of whose
    scores describe it is listed with ``description`` empty."""
    described: dict[str, list[str]] = {}
    for s in scores:
        notes = described.setdefault(_text(s.get("protocol")), [])
        text = _text(s.get("protocol_notes"))
        if text and text not in notes:
            notes.append(text)
    legend = []
    for protocol, notes in described.items():
        if not notes:
            legend.append({"protocol": protocol, "key": "", "description": ""})
        for i, text in enumerate(notes):
            key = "" if len(notes) == 1 else chr(ord("a") + i) if i < 26 else str(i + 1)
            legend.append({"protocol": protocol, "key": key, "description": text})
    return legend


def shared_notes(scores: list[dict[str, Any]]) -> list[str]:
    """Score notes that more than one score on the page carries (shown once, under the table, and
    referred to by number from each row), in order of first appearance."""
    counts: dict[str, int] = {}
    for s in scores:
        text = _text(s.get("notes"))
        if text:
            counts[text] = counts.get(text, 0) + 1
    return [text for text, n in counts.items() if n > 1]


def score_rows(
    data: SiteData, scores: list[dict[str, Any]], used_by: dict[str, list[str]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """The rows of a model's Scores table, the protocol legend and the shared notes.

    ``used_by``: score id -> labels of the tracks that read an effective size from it."""
    legend = protocol_legend(scores)
    keys = {(e["protocol"], e["description"]): e for e in legend}
    notes = shared_notes(scores)
    note_number = {text: i + 1 for i, text in enumerate(notes)}
    out = []
    for s in scores:
        locator = _text(s.get("source_locator"))
        protocol = keys.get((_text(s.get("protocol")), _text(s.get("protocol_notes"))), {})
        note = _text(s.get("notes"))
        out.append(
            _placed(data, s, s["model"])
            | {
                "used_by": used_by.get(s["id"], []),
                "setting": setting_words(s),
                "protocol_key": protocol.get("key", ""),
                "protocol_description": protocol.get("description", ""),
                "link_text": locator if locator and len(locator) <= SHORT_LOCATOR else "source",
                "long_locator": locator if len(locator) > SHORT_LOCATOR else "",
                "note_number": note_number.get(note),
            }
        )
    return out, legend, notes


def model_contexts(
    data: SiteData, badges: dict[tuple[str, str], Badge] | None = None
) -> list[dict[str, Any]]:
    """The context of every model page, sorted by model id; ``badges``: (model, track) -> its badge."""
    scores = group_by(rows(data.ds.scores.sort_values(["benchmark", "id"], kind="stable")), "model")
    old_models, old_scores = _history(data)
    models = rows(data.ds.models.sort_values("id", kind="stable"))
    names = {m["id"]: m["name"] for m in models}
    children = group_by([m for m in models if m["derived_from_model"]], "derived_from_model")
    compression = {r["model"]: r for r in rows(data.fit.compression)}
    bench_names = dict(zip(data.ds.benchmarks["id"], data.ds.benchmarks["name"], strict=True))
    root = root_prefix(model_page_path("x"))
    points = {t.id: chart_points(t, root) for t in data.fit.tracks}
    track_rows = rows_by_track(data)
    cite = cite_context(data)
    forecasts = {t.id: track_forecast(t) for t in data.fit.tracks}
    ranks = rank_index(track_rows)
    contexts = []
    for model in models:
        readings, lead = model_readings(data, model, track_rows, points, bench_names)
        for reading in readings:
            reading["forecast"] = reading_forecast(
                forecasts[reading["id"]], reading["row"], model["params_total"]
            )
        add_citations(cite, model, readings, lead)
        add_badges(badges or {}, model, readings)
        used_by: dict[str, list[str]] = {}
        for reading in readings:
            for b in reading["used"]:
                if b["score_id"]:
                    used_by.setdefault(b["score_id"], []).append(reading["label"])
        table, legend, notes = score_rows(data, scores.get(model["id"], []), used_by)
        chart_reading = lead or next((r for r in readings if r["charts"]["ruler"]), None)
        sections = [r for r in readings if r["density"] is not None or r["used"]]
        location = data.record_location(model["path"], model["line"])
        contexts.append(
            {
                "model": model,
                "location": location,
                "record_url": data.record_url(location),
                "readings": readings,
                "lead": lead,
                "default_reading": readings[0],
                "chart_reading": chart_reading,
                "tracks": [r for r in readings if r["density"] is not None],
                "sections": sections,
                "open_section": (lead or (sections[0] if sections else {})).get("id"),
                "silent": [r for r in readings if r["density"] is None and not r["used"]],
                "released": fmt_date(model["release_date"]),
                "scores": table,
                "protocols": legend,
                "shared_notes": notes,
                "old_model": [_placed(data, m, model["id"]) for m in old_models.get(model["id"], [])],
                "old_scores": [_placed(data, s, model["id"]) for s in old_scores.get(model["id"], [])],
                "parent": model["derived_from_model"],
                "parent_name": names.get(model["derived_from_model"]),
                "children": children.get(model["id"], []),
                "compression": compression.get(model["id"]),
                "bench_names": bench_names,
                "long_note": LONG_NOTE,
                "forecast_version": data.ds.version,
                "compare": compare_links(model["id"], lead, ranks),
            }
        )
    return contexts


def add_citations(
    cite: CiteContext, model: dict[str, Any], readings: list[dict[str, Any]], lead: dict[str, Any] | None
) -> None:
    """Give every reading with a density its "Cite this" box (``cite``; None without a density): the
    lead reading cites the page, the others their track's section of it."""
    for reading in readings:
        reading["cite"] = None
        if reading["density"] is not None:
            anchor = "" if reading is lead else reading["anchor"]
            reading["cite"] = density_citation(cite, model, reading, anchor)


def add_badges(
    badges: dict[tuple[str, str], Badge], model: dict[str, Any], readings: list[dict[str, Any]]
) -> None:
    """Give every reading with a density its badge (``badge``: path, Markdown and HTML to copy; None
    without one)."""
    for reading in readings:
        badge = badges.get((model["id"], reading["id"]))
        reading["badge"] = (
            None
            if badge is None
            else {"path": badge.path, "title": badge.title, "alt": badge.alt, **badge_snippets(badge)}
        )


def write_model_pages(writer: PageWriter, data: SiteData) -> list[str]:
    """Write one page per current model and its badges; return the model ids."""
    names = {str(m): str(n) for m, n in zip(data.ds.models["id"], data.ds.models["name"], strict=True)}
    badges = write_badges(writer, data.fit.tracks, names, data.ds.version)
    ids = []
    for context in model_contexts(data, badges):
        model = context["model"]
        writer.render_page(
            model_page_path(model["id"]),
            "model.md.j2",
            title=model["name"],
            title_fallback=model["id"],
            hide=("toc",),
            raw_html=True,
            scripts=("forecast.js",),
            styles=("views.css",),
            context=context,
        )
        write_model_data(writer, context)
        ids.append(model["id"])
    return ids
