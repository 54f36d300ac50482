"""Is the densing law still holding? Each track's verdict (trend.json ``verdict``) and headline, in
plain words with their numbers, as the verdict box (``templates/_verdict.html.j2``) shows them on the
leaderboard's first screen and on the densing-law page.

The fitter decides (``densing_fit/trend/verdict.py``; docs/method.md, "Is the law still holding?"): the
*window* is the last twelve months before a track's newest reading; the *earlier line* is the frontier
fit from ChatGPT up to the window; the window's densest exact reading is placed against that line's
90% prediction interval. This module only puts the fit outputs into words: nothing is refitted here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from densing_site.inputs.fit_tracks import Track
from densing_site.pages.law.eras import slope_words
from densing_site.text.formatting import doubling_words, fmt_date, number
from densing_site.text.tables import rows

WORDS = {
    "holding": "Holding",
    "faster": "Faster than the law",
    "slowed": "Slowed",
    "undecided": "Not yet decidable",
}
"""The verdict's headline word(s), by trend.json ``verdict.verdict``."""
PLACES = {
    "above": "above it, denser than the line predicts",
    "inside": "inside it, as the line predicts",
    "below": "below it, less dense than the line predicts",
}
"""Where a reading lies against the earlier line's 90% prediction interval, in words."""
STALE_DAYS = 180
"""A track whose newest reading is this many days older than another track's says so."""


@dataclass(frozen=True)
class Placed:
    """A reading of the window set against the earlier line at its release date."""

    model: str
    name: str
    date: str
    density: float
    predicted: float | None
    low: float | None
    high: float | None
    place: str
    """``above``, ``inside`` or ``below`` the line's 90% prediction interval (``""`` without one)."""

    @property
    def words(self) -> str:
        """Where the reading lies against the interval, in words."""
        return PLACES.get(self.place, "")


@dataclass(frozen=True)
class VerdictView:
    """What the verdict box says about one track."""

    track: str
    label: str
    verdict: str
    """``holding``, ``faster``, ``slowed``, ``undecided``; ``""`` when the fit outputs hold no verdict."""
    title: str
    """``Holding``; ``Slowed: doubling now 9.1 months (90% interval 5.0 to 20.3)``; ..."""
    reason: str
    """The fitter's reason, as a sentence."""
    start: str
    end: str
    """The window: the twelve months before the track's newest reading (ISO dates)."""
    earlier_span: str
    """``2023–2025``: the years of the earlier line (first model to the window's start)."""
    earlier: str
    """The earlier line's doubling time with its 90% interval, in words (``""`` without a line)."""
    earlier_detail: str
    recent: str
    """The window's own frontier slope as a doubling time with its interval, or why there is none."""
    recent_detail: str
    densest: Placed | None
    """The window's densest exact reading against the earlier line (None without one)."""
    n_bounds: int
    """Models of the window read only as lower bounds."""
    bounds_above: tuple[Placed, ...]
    """Those of them above the earlier line's prediction."""
    stale: str
    """Why this track's window is older than another track's, or ``""``."""

    @property
    def known(self) -> bool:
        """True when the fit outputs hold a verdict for the track."""
        return bool(self.verdict)


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith(".") else text + "."


def _year(iso: Any) -> str:
    return str(iso)[:4] if iso else ""


def _span(first: Any, last: Any) -> str:
    a, b = _year(first), _year(last)
    return a if a == b else f"{a}–{b}"


def _placed(entry: dict[str, Any] | None, names: dict[str, str]) -> Placed | None:
    """A ``densest_recent`` / ``bounds_above_line`` entry with the model's name and its place."""
    if not entry or number(entry.get("density")) is None:
        return None
    density = number(entry["density"])
    low, high = number(entry.get("prediction_low")), number(entry.get("prediction_high"))
    place = ""
    if low is not None and high is not None:
        place = "above" if density > high else "below" if density < low else "inside"  # type: ignore[operator]
    model = str(entry.get("model") or "")
    return Placed(
        model=model,
        name=names.get(model, model),
        date=fmt_date(entry.get("release_date")),
        density=density,  # type: ignore[arg-type]
        predicted=number(entry.get("predicted")),
        low=low,
        high=high,
        place=place,
    )


def _fit_words(fit: dict[str, Any] | None, confidence: float) -> str:
    """A fit summary's doubling time with its interval; its slope in words when density does not grow."""
    if not fit:
        return ""
    if number(fit.get("doubling_days")) is None and number(fit.get("slope_per_day")) is not None:
        return slope_words(fit, confidence)
    return doubling_words(fit, confidence)


def _title(verdict: str, recent: dict[str, Any] | None, confidence: float) -> str:
    """The headline: the verdict's word, and for ``slowed`` the window's own doubling time."""
    word = WORDS.get(verdict, verdict)
    if verdict != "slowed" or not recent:
        return word
    if number(recent.get("doubling_days")) is None:
        return f"{word}: no growth in the last twelve months" if recent.get("slope_per_day") else word
    words = doubling_words(recent, confidence).replace("doubles every", "doubling now", 1)
    return f"{word}: {words.replace(', ', ' (', 1)})" if ", " in words else f"{word}: {words}"


def verdict_view(
    track: Track, confidence: float = 0.9, latest_end: str | None = None, names: dict[str, str] | None = None
) -> VerdictView:
    """The verdict of ``track`` in words (``latest_end``: the newest window end of any track, to say
    when this track's data end earlier; ``names``: model id -> name, default from its densities)."""
    if names is None:
        names = {r["model"]: str(r.get("name") or r["model"]) for r in rows(track.densities)}
    v = track.trend.get("verdict") or {}
    window = v.get("window") or {}
    earlier, recent = v.get("earlier"), v.get("recent")
    start, end = fmt_date(window.get("start")), fmt_date(window.get("end"))
    verdict = str(v.get("verdict") or "")
    bounds = tuple(p for e in v.get("bounds_above_line") or [] if (p := _placed(e, names)))
    return VerdictView(
        track=track.id,
        label=track.label,
        verdict=verdict,
        title=_title(verdict, recent, confidence) if verdict else "",
        reason=_sentence(str(v.get("reason") or "")),
        start=start,
        end=end,
        earlier_span=_span((earlier or {}).get("t0"), start) if earlier else "",
        earlier=_fit_words(earlier, confidence),
        earlier_detail=_earlier_detail(earlier, start, int(number(v.get("n_earlier")) or 0)),
        recent=_fit_words(recent, confidence),
        recent_detail=_recent_detail(recent, int(number(v.get("n_recent")) or 0)),
        densest=_placed(v.get("densest_recent"), names),
        n_bounds=int(number(v.get("n_bounds")) or 0),
        bounds_above=bounds,
        stale=_stale(end, latest_end),
    )


def _earlier_detail(earlier: dict[str, Any] | None, start: str, n_earlier: int) -> str:
    if not earlier:
        return f"no line: {n_earlier} models in the trend before the window"
    return (
        f"fitted on {earlier.get('n_frontier')} frontier models of {earlier.get('n_models')} in the trend, "
        f"released {fmt_date(earlier.get('t0'))} to {start}"
    )


def _recent_detail(recent: dict[str, Any] | None, n_recent: int) -> str:
    if not recent:
        return (
            f"no slope of its own: {n_recent} model{'' if n_recent == 1 else 's'} of the window in the "
            "trend, too few new maxima for a line"
        )
    return f"{recent.get('n_frontier')} new maxima among {recent.get('n_models')} models of the window"


def _stale(end: str, latest_end: str | None) -> str:
    if not end or not latest_end:
        return ""
    gap = (dt.date.fromisoformat(latest_end) - dt.date.fromisoformat(end)).days
    if gap < STALE_DAYS:
        return ""
    return (
        f"This track's newest reading is from {end}: its twelve months end there, not at {latest_end} "
        "(the track reads no newer model)."
    )


def verdict_views(tracks: list[Track], confidence: float = 0.9) -> dict[str, VerdictView]:
    """Every track's verdict, by track id, each knowing the newest window end of them all."""
    ends = [fmt_date(((t.trend.get("verdict") or {}).get("window") or {}).get("end")) for t in tracks]
    latest = max((e for e in ends if e), default=None)
    return {t.id: verdict_view(t, confidence, latest) for t in tracks}
