"""The agreement page: the tracks side by side and, for each pair, whether they agree, in words.

Everything comes from tracks.json and agreement.json (the fitter writes the sentences); with one
track the page says there is nothing to compare yet.
"""

from __future__ import annotations

from typing import Any

from densing_site.pages.leaderboard import track_url
from densing_site.render import PageWriter
from densing_site.sitedata import SiteData
from densing_site.text.formatting import DAYS_PER_MONTH, number

PAGE = "agreement.md"


def _months(days: Any) -> str:
    value = number(days)
    return "" if value is None else f"{value / DAYS_PER_MONTH:.1f}"


def track_rows(data: SiteData) -> list[dict[str, Any]]:
    """One row per track: what it reads, how many models, its doubling time in months with interval."""
    out = []
    for track in data.fit.tracks:
        info = track.info or {}
        days = info.get("doubling_days", track.trend.get("doubling_days"))
        ci = info.get("doubling_days_ci") or track.trend.get("doubling_days_ci") or [None, None]
        out.append(
            {
                "id": track.id,
                "label": track.label,
                "url": track_url(track.id, data.fit.default_track),
                "default": track.id == data.fit.default_track,
                "ruler": track.ruler,
                "protocol": track.protocol,
                "description": track.description,
                "benchmarks": list(track.benchmarks),
                "n_models": int(track.densities["density"].notna().sum()),
                "n_citable": track.n_citable,
                "doubling": _months(days),
                "doubling_ci": (_months(ci[0]), _months(ci[1])) if len(ci) == 2 else ("", ""),
                "error": track.error,
            }
        )
    return out


def _fixed(value: Any, decimals: int) -> str:
    n = number(value)
    return "" if n is None else f"{n:.{decimals}f}"


def _line(slope: Any, intercept: Any) -> str:
    """``track = 1.004 × source + 0.71`` (empty when either number is missing)."""
    b, a = number(slope), number(intercept)
    if a is None or b is None:
        return ""
    return f"track = {b:.3f} × source {'−' if a < 0 else '+'} {abs(a):.2f}"


def bridge_rows(data: SiteData) -> list[dict[str, Any]]:
    """Every track's bridges: what each converts into what, its fitted line and how well it fits."""
    out = []
    for track in data.fit.tracks:
        for bridge in track.bridges:
            out.append(
                {
                    "track": track.label,
                    "url": track_url(track.id, data.fit.default_track),
                    "benchmark": str(bridge.get("benchmark") or ""),
                    "source": str(bridge.get("source") or ""),
                    "source_benchmark": str(bridge.get("source_benchmark") or bridge.get("benchmark") or ""),
                    "why": str(bridge.get("why") or ""),
                    "line": _line(bridge.get("slope"), bridge.get("intercept")),
                    "residual_sd": _fixed(bridge.get("residual_sd"), 2),
                    "n_pairs": bridge.get("n_pairs"),
                    "n_converted": bridge.get("n_converted"),
                    "error": bridge.get("error"),
                }
            )
    return out


def pair_rows(data: SiteData) -> list[dict[str, Any]]:
    """agreement.json's pairs with the tracks' labels."""
    labels = {t.id: t.label for t in data.fit.tracks}
    pairs = (data.fit.agreement or {}).get("pairs") or []
    return [
        p
        | {
            "label_a": labels.get(p.get("track_a"), p.get("track_a")),
            "label_b": labels.get(p.get("track_b"), p.get("track_b")),
        }
        for p in pairs
        if isinstance(p, dict)
    ]


def write_agreement(writer: PageWriter, data: SiteData) -> None:
    """Write the agreement page."""
    writer.render_page(
        PAGE,
        "agreement.md.j2",
        title="Tracks and their agreement",
        context={
            "tracks": track_rows(data),
            "pairs": pair_rows(data),
            "bridges": bridge_rows(data),
            "default_reason": data.fit.default_reason,
            "confidence": number((data.fit.agreement or {}).get("confidence")) or 0.9,
        },
    )
