"""What ``densing fit`` prints about the densing law per capability group (capabilities.json)."""

from __future__ import annotations

from typing import Any


def _days(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}"


def _fit(label: str, fit: dict[str, Any]) -> str:
    """One fit: doubling time and 90% interval, or the slope's interval when it does not grow."""
    low, high = fit["doubling_days_ci"]
    s_low, s_high = fit["slope_per_day_ci"]
    if fit["doubling_days"] is None:
        return f"{label} slope {fit['slope_per_day']:+.4f}/day [{s_low:+.4f}, {s_high:+.4f}] (no doubling)"
    slowest = _days(high) if high is not None else "unbounded"
    return f"{label} {_days(fit['doubling_days'])} days [{_days(low)}, {slowest}]"


def group_line(group: dict[str, Any]) -> str:
    """One group on one track: its benchmarks, models, period and both fits, or why not fitted."""
    benches = ", ".join(group["benchmarks"]) or "none"
    head = f"    {group['id']} ({benches}): "
    if group["status"] == "not_read":
        return head + "not read on this track"
    period = group["period"] or {}
    span = f"{period.get('first')} to {period.get('last')}" if period else "no dated reading"
    parts = [f"{group['n_models']} models, {span}"]
    for label, key in (("frontier", "frontier"), ("all models", "all_models")):
        fit = group.get(key) or {}
        if fit.get("fitted"):
            parts.append(_fit(label, fit))
        else:
            parts.append(f"{label}: {fit.get('reason') or group['reason']}")
    return head + "; ".join(parts)


def capability_lines(document: dict[str, Any] | None) -> list[str]:
    """Per track: each group's fits, the pairs whose intervals do not overlap; then the knowledge
    group against IKP and the MMLU-CF check."""
    if document is None:
        return []
    level = round(100 * document["confidence"])
    lines = [f"densing law per capability (doubling days, {level}% intervals; capabilities.json):"]
    for track in document["tracks"]:
        only = " (capability fits only)" if track["capability_only"] else ""
        lines.append(f"  {track['track']} (ruler {track['ruler']}){only}:")
        lines += [group_line(g) for g in track["groups"]]
        apart = [f"{o['a']}/{o['b']} ({o['fit']})" for o in track["overlap"] if not o["overlap"]]
        if apart:
            lines.append("    intervals do not overlap: " + ", ".join(apart))
    ikp = document["knowledge_vs_ikp"]
    ref = ikp["ikp"]
    low, high = ref["slope_per_day_ci95"]
    lines.append(
        f"  knowledge against IKP ({ref['coefficient_per_month']:+.4f}/month on its accuracy scale = "
        f"{ref['slope_per_day']:+.5f}/day [{low:+.5f}, {high:+.5f}], 95%):"
    )
    lines += [f"    {row['track']}: {row['sentence']}" for row in ikp["comparisons"]]
    check = document["contamination"]
    if check["possible"]:
        lines.append("  MMLU against MMLU-CF: the records hold what the comparison needs")
    else:
        lines.append("  MMLU against MMLU-CF: not compared; missing: " + "; ".join(check["missing"]))
    return lines
