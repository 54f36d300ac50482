"""Tracks read only by the per-capability fits: the knowledge benchmarks head-on.

None of the leaderboard's tracks reads a closed-book knowledge benchmark: their rulers' families do
not report one. The Gemma 3 pre-trained models (270M to 27B, a factor 100) are the one family in the
records that reports TriviaQA for five dense sizes under one protocol (the Gemma 3 model card), so
the ``gemma3-card`` ruler is read by a track of its own, with the rules of ``paper-settings``: a
score is read when its source states the ruler's shots. It is not a leaderboard track (it ranks
nothing and has no page of its own); its groups are reported in capabilities.json like the others.
"""

from __future__ import annotations

from densing_data.loader import Dataset
from densing_fit.tracks import Track

GEMMA3_SETTINGS = Track(
    id="gemma3-settings",
    label="Gemma 3 card's settings (TriviaQA for knowledge)",
    ruler="gemma3-card",
    protocol=(
        "the Gemma 3 model card's settings (TriviaQA 5-shot, HellaSwag 10-shot, ARC-Challenge 25-shot, "
        "ARC-Easy 0-shot, PIQA 0-shot, WinoGrande 5-shot, BoolQ 0-shot), from any report that states them"
    ),
    description=(
        "Reads closed-book factual recall (TriviaQA) and, on the same ruler, commonsense and reading tasks, "
        "with the five Gemma 3 pre-trained models (270M-27B) as ruler. A score is used only when its source "
        "states the ruler's shots; a score whose source states none is left out. Used only by the "
        "per-capability fits (What densifies?), not by the leaderboard."
    ),
)
"""The knowledge head-on track (docs/method.md, 'What densifies?')."""

CAPABILITY_TRACKS: tuple[Track, ...] = (GEMMA3_SETTINGS,)
"""Tracks fitted only for the per-capability fits, in display order (after the leaderboard's)."""


def capability_tracks(ds: Dataset) -> tuple[Track, ...]:
    """The tracks of :data:`CAPABILITY_TRACKS` whose ruler the records define."""
    recorded = set(ds.rulers["id"].astype(str)) if not ds.rulers.empty else set()
    return tuple(t for t in CAPABILITY_TRACKS if t.ruler in recorded)
