"""Before and after ChatGPT on every track: the frontier fit and the all-model slope of each period,
with a plain-words verdict next to the paper's finding.

The fitter writes, per track, ``trend.json`` ``cut.before`` / ``cut.after``: the densing-law line on
each period's frontier, and under ``all_models`` an ordinary fit over every model of the period (the
paper's before/after comparison regresses all models). A period's frontier can be a single point (the
densest model may be the earliest), so the all-model slope is the one that can always be compared.
``size_adjusted`` fits the same models on release date and ln N together: the change between models
of equal size, which tells a real change of density from a change in which sizes were released.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from densing_site.inputs.fit_tracks import Track
from densing_site.text.formatting import DAYS_PER_MONTH, doubling_words, number

PAPER_SLOPES = (0.0048, 0.0073)
"""The paper's all-model slopes (per day) before and after ChatGPT, on MMLU."""
SIDES = ("before", "after")


@dataclass(frozen=True)
class Slope:
    """An all-model slope per day with its interval (either end may be unknown)."""

    value: float
    low: float | None
    high: float | None

    @property
    def grows(self) -> bool | None:
        """True when the whole interval is above zero, False when it is at or below zero, None when
        the interval straddles zero or is unknown."""
        if self.low is None or self.high is None:
            return None
        if self.low > 0:
            return True
        if self.high <= 0:
            return False
        return None


def doubling_months(slope_per_day: float) -> float:
    """Months for density to double at ``slope_per_day`` (ln ρ per day, positive)."""
    return math.log(2) / slope_per_day / DAYS_PER_MONTH


def _duration(slope_per_day: float) -> tuple[float, str]:
    """(amount, unit) of the time density takes to change twofold at ``slope_per_day``."""
    months = doubling_months(abs(slope_per_day))
    return (months, "months") if months < 24 else (months / 12, "years")


def duration_words(slope_per_day: float) -> str:
    """The time density takes to change by a factor of two at ``slope_per_day`` (either sign), in
    months up to two years and in years beyond: ``7.6 months``, ``18.0 years``, ``over a century``."""
    amount, unit = _duration(slope_per_day)
    return "over a century" if unit == "years" and amount >= 100 else f"{amount:.1f} {unit}"


def every_words(slope_per_day: float) -> str:
    """``every 7.6 months``, or ``more slowly than once a century``."""
    words = duration_words(slope_per_day)
    return "more slowly than once a century" if words == "over a century" else f"every {words}"


def duration_range(fast: float, slow: float | None) -> str:
    """A doubling- or halving-time interval from its fastest and slowest slopes (``slow`` None or
    zero: no bound), naming the unit once when both ends share it: ``5.8 to 11.1 months``."""
    if not slow:
        return f"{duration_words(fast)} to never"
    (a, unit_a), (b, unit_b) = _duration(fast), _duration(slow)
    if unit_a == unit_b and b < 100:
        return f"{a:.1f} to {b:.1f} {unit_a}"
    return f"{duration_words(fast)} to {duration_words(slow)}"


def slope_of(fit: dict[str, Any] | None) -> Slope | None:
    """The slope of a fit (``slope_per_day`` and ``slope_per_day_ci``), or None without one."""
    value = number((fit or {}).get("slope_per_day"))
    if value is None:
        return None
    ci = (fit or {}).get("slope_per_day_ci") or [None, None]
    low, high = (number(ci[0]), number(ci[1])) if len(ci) == 2 else (None, None)
    return Slope(value, low, high)


def _rate_words(slope: Slope, level: str) -> str:
    """What a slope and its interval mean as a doubling (or halving) time of density."""
    if slope.grows is True:
        return (
            f"density grows, doubling {every_words(slope.value)} "
            f"({level} {duration_range(slope.high, slope.low)})"  # type: ignore[arg-type]
        )
    if slope.grows is False:
        if slope.value >= 0:
            return "density does not grow"
        return (
            f"density falls, halving {every_words(slope.value)} "
            f"({level} {duration_range(slope.low, slope.high)})"  # type: ignore[arg-type]
        )
    central = f"doubling {every_words(slope.value)}" if slope.value > 0 else "no growth"
    if slope.high is None or slope.low is None:
        return f"the interval is unknown, so growth is not established (central estimate: {central})"
    fastest = every_words(slope.high) if slope.high > 0 else "no doubling"
    return (
        "the interval includes zero, so growth is not established (central estimate: "
        f"{central}; fastest within the interval: {fastest})"
    )


def slope_words(fit: dict[str, Any] | None, confidence: float | None = 0.9) -> str:
    """An all-model fit in words: its slope per day and interval, then what that means for density
    as a doubling (or halving) time with its interval."""
    slope = slope_of(fit)
    if slope is None:
        return "no fit" if not fit or not fit.get("error") else f"no fit ({fit['error']})"
    level = f"{round(100 * confidence)}% interval" if confidence else "interval"
    text = f"{slope.value:+.4f} per day"
    if slope.low is not None and slope.high is not None:
        text += f" ({level} {slope.low:+.4f} to {slope.high:+.4f})"
    return f"{text}: {_rate_words(slope, level)}"


def _overlap(a: Slope, b: Slope) -> bool | None:
    if None in (a.low, a.high, b.low, b.high):
        return None
    return not (a.high < b.low or b.high < a.low)  # type: ignore[operator]


def size_words(fit: dict[str, Any] | None, confidence: float | None = 0.9) -> str:
    """A size-adjusted fit in words: its slope at equal size, then how density changes with size."""
    if not fit or fit.get("error") or slope_of(fit) is None:
        return slope_words(fit, confidence)
    text = slope_words(fit, confidence)
    coef = number(fit.get("log_params_coef"))
    if coef is not None:
        text += f"; ten times the parameters, {10**coef:.2g} times the density"
    return text


def _size_sentence(fit: dict[str, Any] | None) -> str:
    """Why the all-model slope fell before ChatGPT, when the size-adjusted fit tells."""
    slope = slope_of(fit)
    coef = number((fit or {}).get("log_params_coef"))
    if slope is None or coef is None:
        return ""
    if slope.grows is None and coef < 0:
        fastest = (
            f", so within its interval density doubled no faster than {every_words(slope.high)}"
            if slope.high is not None and slope.high > 0
            else ""
        )
        return (
            f" At equal size it was flat ({slope.value:+.4f} per day, interval across zero{fastest}): the "
            "period's later models were larger, and larger models read less dense (ten times the "
            f"parameters, {10**coef:.2g} times the density)."
        )
    if slope.grows is False:
        return f" It fell even at equal size ({slope.value:+.4f} per day)."
    return f" At equal size it grew ({slope.value:+.4f} per day)."


def _place(value: float, slope: Slope | None) -> str | None:
    """Where ``value`` lies against ``slope``'s interval (above, below, inside), None without one."""
    if slope is None or slope.low is None or slope.high is None:
        return None
    if value > slope.high:
        return "above"
    return "below" if value < slope.low else "inside"


def _against_paper(side: str, cut: dict[str, Any]) -> str | None:
    """Where the paper's slope for ``side`` lies against this track's all-model and frontier-line
    intervals for that period, with the numbers."""
    fit = cut.get(side) or {}
    paper = PAPER_SLOPES[SIDES.index(side)]
    parts = []
    for name, slope in (("all-model", slope_of(fit.get("all_models"))), ("frontier-line", slope_of(fit))):
        place = _place(paper, slope)
        if place is not None:
            parts.append(f"{place} the {name} interval ({slope.low:+.4f} to {slope.high:+.4f})")  # type: ignore[union-attr]
    if not parts:
        return None
    missing = "" if slope_of(fit) is not None else ", and there is no frontier line"
    return f"{side} ChatGPT, {paper} lies " + " and ".join(parts) + missing


def paper_comparison(track: Track) -> str:
    """One sentence placing the paper's before and after slopes against this track's intervals (all
    models and frontier line), with the numbers, whatever the verdict."""
    cut = track.trend.get("cut") or {}
    parts = [part for side in SIDES if (part := _against_paper(side, cut))]
    if not parts:
        return ""
    before, after = PAPER_SLOPES
    return f" The paper's slopes ({before} and {after} per day) against this track: " + "; ".join(parts) + "."


def verdict(track: Track) -> str:
    """What the track says about growth before and after ChatGPT, in a few sentences, ending with
    where the paper's slopes lie against the track's intervals."""
    body = _verdict_body(track)
    return body + paper_comparison(track) if body.endswith(".") else body


def _verdict_body(track: Track) -> str:
    cut = track.trend.get("cut") or {}
    before = slope_of((cut.get("before") or {}).get("all_models"))
    after = slope_of((cut.get("after") or {}).get("all_models"))
    n_before = int(number((cut.get("before") or {}).get("n_models")) or 0)
    if n_before == 0:
        return "reads no model released before ChatGPT, so it cannot compare the two periods."
    if before is None or after is None:
        return "has too few models in one of the periods for an all-model fit."
    if before.grows is False and after.grows is True:
        return (
            f"density did not grow before ChatGPT (all {n_before} models) and grows after it: the speed-up "
            "the paper reports, but from no growth at all rather than from a slower doubling."
            + _size_sentence((cut.get("before") or {}).get("size_adjusted"))
        )
    overlap = _overlap(before, after)
    if overlap is False and after.value > before.value:
        return (
            "growth is faster after ChatGPT than before it, as the paper found; the intervals do not overlap."
        )
    if overlap is False:
        return (
            "growth is slower after ChatGPT than before it, unlike the paper; the intervals do not overlap."
        )
    return "the two periods' slopes cannot be told apart: their intervals overlap."


def era_rows(tracks: list[Track], confidence: float | None) -> list[dict[str, Any]]:
    """One row per track and period: models, frontier fit in words, all-model slope in words."""
    out = []
    for track in tracks:
        cut = track.trend.get("cut") or {}
        for side in SIDES:
            fit = cut.get(side) or {}
            n_models = int(number(fit.get("n_models")) or 0)
            out.append(
                {
                    "track": track,
                    "side": side,
                    "first": side == SIDES[0],
                    "n_models": n_models,
                    "frontier": doubling_words(fit, confidence) if n_models else "no model",
                    "all_models": slope_words(fit.get("all_models"), confidence) if n_models else "",
                    "size_adjusted": size_words(fit.get("size_adjusted"), confidence) if n_models else "",
                }
            )
    return out


def paper_sentence() -> str:
    """The paper's before/after finding, for comparison."""
    before, after = PAPER_SLOPES
    return (
        f"The paper fits all models of each period on MMLU and finds the slope rising from about {before} "
        f"to {after} per day after ChatGPT's release (doubling every "
        f"{doubling_months(before):.1f} and {doubling_months(after):.1f} "
        "months)."
    )


@dataclass(frozen=True)
class Headline:
    """A track's headline: the frontier fit since ChatGPT, the earlier era beside it, and the fit
    over all dates (the same fit when no model came before ChatGPT)."""

    cut: str
    """The cut date (ChatGPT's release)."""
    after: str
    """The doubling time of the frontier since the cut, with its interval, in words (``""``: no fit)."""
    after_detail: str
    before: str
    """The period before the cut in words: its frontier line, or why there is none, or no model."""
    before_short: str
    """The same in a few words (the reason a line is missing is left out)."""
    overall: str
    """The fit over every date in words; ``""`` when it is the fit since the cut (no model before)."""
    n_frontier: int | None = None
    n_models: int | None = None
    """Frontier models and models in the trend since the cut."""


def headline(track: Track, confidence: float | None = 0.9) -> Headline:
    """The headline of ``track`` from trend.json ``cut`` (see :class:`Headline`)."""
    cut = track.trend.get("cut") or {}
    after, before = cut.get("after"), cut.get("before")
    after_detail = ""
    if after and not after.get("error"):
        after_detail = (
            f"{after.get('n_frontier')} frontier models of {after.get('n_models')} in the trend, "
            f"released from {after.get('first_release') or cut.get('date')}"
        )
    n_before = int(number((before or {}).get("n_models")) or 0)
    if not before:
        before_words = short = "no model before ChatGPT, so this is also the fit over all dates"
        short = "no model"
    elif before.get("error") or number(before.get("doubling_days")) is None:
        reason = before.get("error") or "density does not grow"
        before_words = f"no frontier line ({n_before} models: {reason})"
        short = f"no frontier line ({n_before} models)"
    else:
        before_words = short = doubling_words(before, confidence)
    fitted = after and not after.get("error")
    return Headline(
        cut=str(cut.get("date") or ""),
        after=doubling_words(after, confidence) if after else "",
        after_detail=after_detail,
        before=before_words,
        before_short=short,
        overall=doubling_words(track.trend, confidence) if before or not after else "",
        n_frontier=int(number(after.get("n_frontier")) or 0) if fitted else None,
        n_models=int(number(after.get("n_models")) or 0) if fitted else None,
    )
