"""The numbers of capabilities.json in words: each fit as a doubling time with its 90% interval (or
why there is none), and the few plain sentences of the "What densifies?" page.

Every sentence is built from the fit outputs, so it says only what the numbers support: a group
with too few readings is called "too few", an interval that reaches zero is "growth not
established", two groups are called different only when their intervals do not overlap.
"""

from __future__ import annotations

from typing import Any

from densing_site.text.formatting import DAYS_PER_MONTH, number


def months(days: Any) -> str:
    """Days as months with one decimal (empty when missing)."""
    value = number(days)
    return "" if value is None else f"{value / DAYS_PER_MONTH:.1f}"


def slope_words(low: Any, high: Any, slope: Any) -> str:
    """A slope of ln ρ per day with its interval: ``+0.00024 per day (90% interval -0.00002 to +0.00047)``."""
    s, lo, hi = number(slope), number(low), number(high)
    if s is None:
        return ""
    text = f"{s:+.5f} per day"
    if lo is not None and hi is not None:
        text += f" (90% interval {lo:+.5f} to {hi:+.5f})"
    return text


def fit_words(fit: dict[str, Any] | None) -> str:
    """One fit: ``doubles every 2.2 months (90% interval 1.9 to 2.9)``; a slope when density does not
    grow or the interval reaches no growth; the reason when it was not fitted."""
    if not fit:
        return "–"
    if not fit.get("fitted", True) or number(fit.get("slope_per_day")) is None:
        return str(fit.get("reason") or fit.get("error") or "not fitted")
    low, high = (fit.get("doubling_days_ci") or [None, None])[:2]
    slope_low, slope_high = (fit.get("slope_per_day_ci") or [None, None])[:2]
    if number(fit.get("doubling_days")) is None or number(slope_low) is None or number(slope_low) <= 0:
        words = slope_words(slope_low, slope_high, fit.get("slope_per_day"))
        falls = number(slope_high) is not None and number(slope_high) < 0
        return f"{'falls' if falls else 'growth not established'}: {words}"
    text = f"doubles every {months(fit['doubling_days'])} months"
    if number(low) is not None and number(high) is not None:
        text += f" (90% interval {months(low)} to {months(high)})"
    return text


def adjusted_words(fit: dict[str, Any] | None) -> str:
    """The fit at equal size: its slope of ln ρ per day with the interval, and what it says."""
    if not fit or fit.get("error") or number(fit.get("slope_per_day")) is None:
        return "–" if not fit else str(fit.get("error") or "–")
    low, high = (fit.get("slope_per_day_ci") or [None, None])[:2]
    words = slope_words(low, high, fit["slope_per_day"])
    lo, hi = number(low), number(high)
    if lo is not None and lo > 0:
        return f"{words}: grows"
    if hi is not None and hi < 0:
        return f"{words}: falls"
    return f"{words}: growth not established"


def _fitted(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        g
        for g in groups
        if (g.get("frontier") or {}).get("fitted") and number(g["frontier"].get("doubling_days")) is not None
    ]


def track_sentences(entry: dict[str, Any], labels: dict[str, str]) -> list[str]:
    """What one track says: its fastest and slowest groups on the frontier and whether their intervals
    overlap, and the groups it cannot fit."""
    groups = entry["groups"]
    fitted = sorted(_fitted(groups), key=lambda g: g["frontier"]["doubling_days"])
    out = []
    if len(fitted) >= 2:
        fast, slow = fitted[0], fitted[-1]
        pair = next(
            (
                o
                for o in entry.get("overlap") or []
                if o["fit"] == "frontier" and {o["a"], o["b"]} == {fast["id"], slow["id"]}
            ),
            None,
        )
        apart = pair is not None and not pair["overlap"]
        out.append(
            f"On the frontier, {labels[fast['id']].lower()} ({', '.join(fast['benchmarks'])}) "
            f"{fit_words(fast['frontier'])}, {labels[slow['id']].lower()} "
            f"({', '.join(slow['benchmarks'])}) {fit_words(slow['frontier'])}; "
            + (
                "their intervals do not overlap, so the two densify at different rates."
                if apart
                else "their intervals overlap, so these numbers do not tell the two rates apart."
            )
        )
    elif len(fitted) == 1:
        only = fitted[0]
        out.append(f"Only {labels[only['id']].lower()} can be fitted here: it {fit_words(only['frontier'])}.")
    few = [g for g in groups if g["status"] in ("too_few", "no_fit")]
    if few:
        out.append(
            "Too few readings to fit: "
            + "; ".join(f"{labels[g['id']].lower()} ({g['reason']})" for g in few)
            + "."
        )
    unread = [labels[g["id"]].lower() for g in groups if g["status"] == "not_read"]
    if unread:
        out.append("This track's ruler reads no benchmark of: " + ", ".join(unread) + ".")
    return out


def knowledge_sentence(document: dict[str, Any]) -> str:
    """The knowledge group head-on (closed-book recall) against IKP, at equal size, in words."""
    block = document["knowledge_vs_ikp"]
    ref = block["ikp"]
    row = next(
        (
            r
            for r in block["comparisons"]
            if r["track"] == block["head_on_track"] and r["fit"] == "size_adjusted"
        ),
        None,
    )
    low, high = ref["slope_per_day_ci95"]
    theirs = (
        f"Incompressible Knowledge Probes' coefficient ({ref['coefficient_per_month']:+.4f} per month on its "
        f"accuracy scale) is {ref['slope_per_day']:+.5f} per day on the same scale (95% interval "
        f"{low:+.5f} to {high:+.5f})"
    )
    if row is None:
        return f"Closed-book recall could not be fitted at equal size (too few readings); {theirs}."
    lo, hi = row["slope_per_day_ci"]
    trend = "growth is not established" if lo <= 0 <= hi else ("it grows" if lo > 0 else "it falls")
    agree = "the two agree (their intervals overlap)" if row["agrees_with_ikp"] else "the two disagree"
    pace = (
        ""
        if not row["excludes_densing_prediction"]
        else (
            f"; the densing law's pace ({ref['densing_prediction_slope_per_day']:+.4f} per day, doubling "
            f"every {ref['densing_doubling_months']:g} months) lies outside our interval"
        )
    )
    return (
        f"Closed-book recall ({', '.join(row['benchmarks'])}, {row['n_models']} models, read on the "
        f"{row['track']} track): at equal size, density changed by "
        f"{slope_words(lo, hi, row['slope_per_day'])}, so {trend}. {theirs}: {agree}{pace}."
    )


def _frontier_pair(entry: dict[str, Any], a: str, b: str) -> bool | None:
    """Whether the frontier intervals of groups ``a`` and ``b`` on ``entry`` overlap (None: not both
    fitted)."""
    pair = next(
        (o for o in entry.get("overlap") or [] if o["fit"] == "frontier" and {o["a"], o["b"]} == {a, b}),
        None,
    )
    return None if pair is None else bool(pair["overlap"])


def against_knowledge(
    document: dict[str, Any], labels: dict[str, str]
) -> tuple[list[str], dict[str, list[str]], dict[str, list[str]]]:
    """One sentence per group fitted beside knowledge on some track (their frontier doubling times,
    in months, and whether the intervals overlap), and, group label -> tracks, where a group densifies
    faster (then slower) than knowledge with the two intervals apart."""
    sentences: list[str] = []
    faster_apart: dict[str, list[str]] = {}
    slower_apart: dict[str, list[str]] = {}
    for group_id in [g["id"] for g in document["groups"] if g["id"] != "knowledge"]:
        parts = []
        for entry in document["tracks"]:
            fitted = {g["id"]: g for g in _fitted(entry["groups"])}
            if group_id not in fitted or "knowledge" not in fitted:
                continue
            overlap = _frontier_pair(entry, group_id, "knowledge")
            mine, theirs = fitted[group_id]["frontier"], fitted["knowledge"]["frontier"]
            if overlap is False:
                side = faster_apart if mine["doubling_days"] < theirs["doubling_days"] else slower_apart
                side.setdefault(labels[group_id].lower(), []).append(entry["track"])
            parts.append(
                f"{months(mine['doubling_days'])} against {months(theirs['doubling_days'])} on "
                f"{entry['track']} ({'intervals apart' if overlap is False else 'intervals overlap'})"
            )
        if parts:
            head = f"{labels[group_id]} against knowledge, frontier doubling in months: "
            sentences.append(head + "; ".join(parts) + ".")
    return sentences, faster_apart, slower_apart


def _where(groups: dict[str, list[str]]) -> str:
    """``math (paper-settings) and code (paper-settings) densify`` (the verb agrees with the count)."""
    names = " and ".join(f"{g} ({', '.join(tracks)})" for g, tracks in groups.items())
    return f"{names} {'densify' if len(groups) > 1 else 'densifies'}"


def choosing_sentences(document: dict[str, Any], labels: dict[str, str]) -> list[str]:
    """What the numbers mean for someone choosing a model size (only what they support)."""
    out = []
    block = document["knowledge_vs_ikp"]
    recall = next(
        (
            r
            for r in block["comparisons"]
            if r["track"] == block["head_on_track"] and r["fit"] == "size_adjusted"
        ),
        None,
    )
    if recall is not None:
        if recall["slope_per_day_ci"][0] <= 0:
            out.append(
                "If the work leans on recalling facts, these numbers give no reason to expect a newer model "
                "to know more than an older one with as many parameters: for recall, buy parameters."
            )
        else:
            out.append(
                "Even closed-book recall grows at equal size here, so a newer model of the same size "
                "knows more."
            )
    sentences, faster, slower = against_knowledge(document, labels)
    out += sentences
    if faster:
        slow = ""
        if slower:
            slow = f" {_where(slower).capitalize()} slower: there size keeps paying longer."
        out.append(
            f"Where the intervals are apart, {_where(faster)} faster than knowledge: for such work "
            f"a newer, smaller model is the likeliest to match an older, larger one.{slow} These are the "
            "densest models of each date; a given model can sit far below its frontier."
        )
    elif slower:
        out.append(f"Where the intervals are apart, {_where(slower)} slower than knowledge.")
    return out
