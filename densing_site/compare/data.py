"""``compare/models/<id>.json``: one model as the compare view shows it, made from the model page's own
context (:func:`densing_site.pages.models.model_contexts`), so the two never disagree.

Per track with a reading: density, density per active parameter and effective size, each with its 90%
interval or the side it is a bound on, rank and 90% rank range (of how many citable readings), flags in
words, and per benchmark the score the track read with its effective size and flags. Every score a
track shows is listed once under ``scores`` with its setting (metric, shots, CoT), protocol and source
(only http(s) addresses; anything else is dropped, never linked).
"""

from __future__ import annotations

from typing import Any

from densing_site.escape import safe_url
from densing_site.text.formatting import bound_side, fmt_date, number


def _int(value: Any) -> int | None:
    n = number(value)
    return None if n is None else int(n)


def _reading(reading: dict[str, Any]) -> dict[str, Any]:
    row = reading["row"]
    return {
        "density": reading["density"],
        "low": reading["low"],
        "high": reading["high"],
        "bound": bound_side(row.get("flags")),
        "density_active": number(row.get("density_active")),
        "active_low": number(row.get("density_active_low")),
        "active_high": number(row.get("density_active_high")),
        "rank": reading["rank"],
        "rank_low": reading["rank_low"],
        "rank_high": reading["rank_high"],
        "rank_active": _int(row.get("rank_active")) if reading["rank"] else None,
        "n_citable": reading["n_citable"],
        "effective_params": number(row.get("effective_params")),
        "effective_low": number(row.get("effective_params_low")),
        "effective_high": number(row.get("effective_params_high")),
        "citable": reading["citable"],
        "frontier": bool(row.get("frontier")),
        "flags": [list(f) for f in reading["flags"]],
        "benchmarks": {
            b["benchmark"]: {
                "score": b["score"],
                "score_id": b["score_id"] or None,
                "effective_params": b["effective_params"],
                "flags": [list(f) for f in b["flags"]],
            }
            for b in reading["shown"]
        },
    }


def _score(score: dict[str, Any]) -> dict[str, Any]:
    return {
        "benchmark": score["benchmark"],
        "value": number(score.get("value")),
        "metric": score.get("metric") or "",
        "shots": _int(score.get("shots")),
        "cot": bool(score.get("cot")),
        "protocol": score.get("protocol") or "",
        "protocol_notes": score.get("protocol_description") or "",
        "source_url": safe_url(score.get("source_url")),
        "source_locator": score.get("source_locator") or "",
        "provenance": str(score.get("provenance_kind") or "").replace("_", " "),
        "provenance_by": score.get("provenance_by") or "",
    }


def model_json(context: dict[str, Any]) -> dict[str, Any]:
    """The compare view's object for the model of a model page ``context``."""
    model = context["model"]
    readings = {r["id"]: _reading(r) for r in context["readings"] if r["row"]}
    shown = {b["score_id"] for r in readings.values() for b in r["benchmarks"].values() if b["score_id"]}
    return {
        "id": model["id"],
        "name": model["name"],
        "family": model.get("family") or "",
        "organization": model.get("organization") or "",
        "kind": model.get("kind") or "",
        "released": fmt_date(model.get("release_date")),
        "params_total": number(model.get("params_total")),
        "params_active": number(model.get("params_active")),
        "tracks": readings,
        "scores": {s["id"]: _score(s) for s in context["scores"] if s["id"] in shown},
    }
