"""A model page's "compare with …" links: the model with its neighbours in rank on the page's lead
track, and the model alone in the compare view, where the reader adds others."""

from __future__ import annotations

from typing import Any

from densing_site.compare.page import compare_url
from densing_site.text.formatting import number


def rank_index(track_rows: dict[str, dict[str, dict[str, Any]]]) -> dict[str, dict[int, str]]:
    """Per track, rank -> model id of its ranked (citable) readings (ties: the first by model id)."""
    index: dict[str, dict[int, str]] = {}
    for track_id, by_model in track_rows.items():
        ranks: dict[int, str] = {}
        for model_id in sorted(by_model):
            rank = number(by_model[model_id].get("rank"))
            if rank is not None:
                ranks.setdefault(int(rank), model_id)
        index[track_id] = ranks
    return index


def compare_links(
    model_id: str, lead: dict[str, Any] | None, index: dict[str, dict[int, str]]
) -> dict[str, Any]:
    """``others``: the compare view with this model alone; ``neighbours``: with the readings ranked just
    above and below it on the lead track (None when it is not ranked there or is alone)."""
    out: dict[str, Any] = {"others": compare_url([model_id]), "neighbours": None, "track": None}
    if lead is None or not lead.get("rank"):
        return out
    ranks = index.get(lead["id"], {})
    near = [ranks[r] for r in (lead["rank"] - 1, lead["rank"] + 1) if r in ranks and ranks[r] != model_id]
    if near:
        out |= {"neighbours": compare_url([model_id, *near]), "track": lead["label"]}
    return out
