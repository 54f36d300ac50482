"""What each "Cite this" box says: a model's density on a track, a track's densing-law fit, a ruler's
curve on one benchmark, the compression comparison. Each names its number's 90% interval (or says it
is a bound, or has none), its track, ruler and data version (see :mod:`densing_site.citing.citation`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from densing_site.citing.citation import Citation, CiteMeta, cite_url, make_citation, read_cite_meta
from densing_site.inputs.fit_tracks import Track
from densing_site.sitedata import SiteData
from densing_site.text.formatting import (
    bound_side,
    doubling_words,
    fmt_interval,
    fmt_number,
    fmt_params,
    number,
)


@dataclass(frozen=True)
class CiteContext:
    """What every box of one build shares."""

    meta: CiteMeta
    version: str
    """The data version the site shows."""
    released: bool
    """True when the site shows exactly a released data version (no record changes since)."""
    confidence: float = 0.9
    """Level of the trend's bootstrap intervals."""

    def url(self, page: str) -> str:
        """The address to cite for site path ``page``."""
        return cite_url(page, self.version, released=self.released)


def cite_context(data: SiteData) -> CiteContext:
    """The citation metadata, data version and release state of ``data``."""
    released = data.unreleased is None and (data.releases_dir / data.ds.version).is_dir()
    confidence = number((data.fit.trend.get("bootstrap") or {}).get("confidence")) or 0.9
    return CiteContext(read_cite_meta(data.repo_root), data.ds.version, released, confidence)


BOUND_WORDS = {
    "lower": "a lower bound: a score lies above the ruler's reach, so the model is at least this dense",
    "upper": "an upper bound: a score lies below the ruler's reach, so the model is at most this dense",
}


def rank_words(rank: Any, n_citable: int, low: Any, high: Any) -> str:
    """``rank 3 of 58 citable readings (90% rank range 2–5)``; ``not ranked ...`` without a rank."""
    if number(rank) is None:
        return "not ranked (not a citable reading on this track: see its flags)"
    text = f"rank {int(number(rank))} of {n_citable} citable readings"  # type: ignore[arg-type]
    if number(low) is not None and number(high) is not None:
        text += f" (90% rank range {int(number(low))}–{int(number(high))})"  # type: ignore[arg-type]
    return text


def density_number(reading: dict[str, Any], version: str) -> str:
    """A model's reading on one track in words: density, 90% interval or bound, effective size,
    track, ruler, rank and data version."""
    row = reading["row"]
    side = bound_side(reading["flags"])
    interval = fmt_interval(reading["low"], reading["high"])
    density = fmt_number(reading["density"])
    if side:
        words = "at least" if side == "lower" else "at most"
        density = f"{words} {density} ({BOUND_WORDS[side]}{'; 90% interval ' + interval if interval else ''})"
    else:
        density += f" (90% interval {interval})" if interval else " (no interval)"
    parts = [f"density {density}"]
    size = fmt_params(row.get("effective_params"))
    if size:
        parts.append(f"effective size {size} against {fmt_params(row.get('params'))} parameters")
    parts += [
        f"{reading['label']} track ({reading['id']})",
        f"ruler {reading['ruler']}",
        rank_words(reading["rank"], reading["n_citable"], row.get("rank_low"), row.get("rank_high")),
        f"data version {version}",
    ]
    return ", ".join(parts)


def density_citation(
    ctx: CiteContext, model: dict[str, Any], reading: dict[str, Any], anchor: str = ""
) -> Citation:
    """The box for a model's density on one track (``anchor``: the track's section on the page)."""
    url = ctx.url(f"models/{model['id']}/") + (f"#{anchor}" if anchor else "")
    return make_citation(
        ctx.meta,
        what=str(model["name"]),
        number=density_number(reading, ctx.version),
        version=ctx.version,
        url=url,
        key_parts=(str(model["id"]), reading["id"]),
    )


def trend_number(track: Track, version: str, confidence: float | None = 0.9) -> str:
    """A track's densing-law fit in words: doubling time with its 90% interval, the models it was
    fitted on, track, ruler and data version."""
    trend = track.trend
    head = f"{track.label} track ({track.id}), ruler {track.ruler or trend.get('ruler') or 'unknown'}"
    if trend.get("error") or number(trend.get("doubling_days")) is None:
        return f"{head}: maximum density {doubling_words(trend, confidence)}, data version {version}"
    days = number(trend.get("doubling_days"))
    ci = trend.get("doubling_days_ci") or [None, None]
    level = f"{round(100 * (confidence or 0.9))}% interval"
    span = fmt_interval(ci[0], ci[1], 3) if len(ci) == 2 else ""
    days_words = f"{fmt_number(days)} days" + (f", {level} {span} days" if span else f", {level} unbounded")
    fitted = f"fitted on {trend.get('n_frontier')} frontier models of {trend.get('n_models')} in the trend"
    words = doubling_words(trend, confidence)
    eras = _era_words(trend, confidence)
    return f"{head}: maximum density {words} ({days_words}), {fitted}{eras}, data version {version}"


def _era_words(trend: dict[str, Any], confidence: float | None) -> str:
    """What the fit says about the periods: that every model came after ChatGPT, or the fit since
    ChatGPT (the page's headline) when earlier models enter the fit over all dates."""
    cut = trend.get("cut") or {}
    after, date = cut.get("after"), cut.get("date")
    if not date or not after or after.get("error"):
        return ""
    if not cut.get("before"):
        return f" (every one released after ChatGPT, {date})"
    counts = f"{after.get('n_frontier')} frontier models of {after.get('n_models')}"
    return f"; since ChatGPT ({date}) it {doubling_words(after, confidence)} ({counts})"


def trend_citation(ctx: CiteContext, track: Track, page: str) -> Citation:
    """The box under a densing-law chart of ``track`` (on the page at site path ``page``)."""
    return make_citation(
        ctx.meta,
        what="Densing law",
        number=trend_number(track, ctx.version, ctx.confidence),
        version=ctx.version,
        url=ctx.url(page),
        key_parts=("trend", track.id),
    )


def ruler_citation(
    ctx: CiteContext, ruler_id: str, bench: str, fit: dict[str, Any], tracks: list[str]
) -> Citation:
    """The box under a ruler's curve on one benchmark: formula, fit quality, which tracks read it."""
    readers = f", read by the {', '.join(tracks)} track{'s' if len(tracks) > 1 else ''}" if tracks else ""
    quality = f"R² {fmt_number(fit.get('r2'))}, RMSE {fmt_number(fit.get('rmse'))} points"
    text = (
        f"ruler {ruler_id} on {bench}: {fit.get('formula') or 'fitted curve'}, {quality}, "
        f"{fit.get('n_points')} reference points (a fitted curve, not a density: no interval; the "
        f"standard errors of its parameters are on the page){readers}, data version {ctx.version}"
    )
    return make_citation(
        ctx.meta,
        what=f"Ruler {ruler_id}",
        number=text,
        version=ctx.version,
        url=ctx.url("ruler/"),
        key_parts=("ruler", ruler_id, bench),
    )


def compression_citation(ctx: CiteContext, table: list[dict[str, Any]], track: Track) -> Citation:
    """The box under the compression chart: how many compressed models are denser than their parent,
    judged by the 90% interval of the density ratio."""
    counts = {
        key: sum(1 for r in table if r.get("denser_than_parent") == key) for key in ("yes", "no", "unclear")
    }
    both = sum(counts.values())
    text = (
        f"{both} of {len(table)} compressed models have a density on both sides: {counts['yes']} denser than "
        f"their parent, {counts['no']} less dense, {counts['unclear']} not clearly different (by whether the "
        f"90% interval of the density ratio lies above 1, below 1 or across it), on the {track.label} track "
        f"({track.id}), ruler {track.ruler}, data version {ctx.version}"
    )
    return make_citation(
        ctx.meta,
        what="Compressed models against their parents",
        number=text,
        version=ctx.version,
        url=ctx.url("compression/"),
        key_parts=("compression", track.id),
    )
