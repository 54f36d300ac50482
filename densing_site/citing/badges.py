"""Badges for model cards and READMEs: one small SVG per model and track, written at build time.

A badge reads ``density · <track>`` | ``1.27 · 90% [1.03, 1.56] · data 2026.12.3`` (a bound as
``≥ 6.4`` or ``≤ 0.02``, with no interval), links to the model's page, and carries the whole
sentence — number, interval, track, ruler, data version, model name — as its title. Each model page
offers the snippet (Markdown and HTML) to copy. Record text is escaped once, by :func:`xml_text`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import escape

from densing_site.citing.links import SITE_URL
from densing_site.text.formatting import bound_side, fmt_number, number

BADGE_DIR = "badges"
"""Site folder of the badges: ``badges/<track>/<model>.svg``."""
HEIGHT = 20
FONT = "Verdana,DejaVu Sans,Geneva,sans-serif"
PAD = 6
"""Horizontal padding each side of a text, in pixels."""
COLORS = {"citable": "#3f51b5", "other": "#6d6d6d", "label": "#555"}
"""Right half: indigo for a citable reading, grey for a bound or a flagged one; left half: dark grey."""
_NARROW, _WIDE = set("ijlrtfI.,:;|!'[]() "), set("mwMW%@—")


@dataclass(frozen=True)
class Badge:
    """One badge: its texts, where it is and where it links."""

    model: str
    track: str
    label: str
    """Left text: ``density · <track>``."""
    value: str
    """Right text: the density, its interval or bound sign, and the data version."""
    title: str
    """The whole reading in words (the SVG's title and accessible name)."""
    citable: bool

    @property
    def path(self) -> str:
        """Where the badge is, relative to the site root."""
        return badge_path(self.track, self.model)

    @property
    def alt(self) -> str:
        """The image's alt text: the model by its id (a slug, never record text), track and what it is."""
        return f"Density of {self.model} on the {self.track} track (90% interval), Densing Law leaderboard"

    @property
    def model_url(self) -> str:
        """The model page's address (the badge links there)."""
        return f"{SITE_URL}models/{self.model}/"


def badge_path(track_id: str, model_id: str) -> str:
    """``badges/<track>/<model>.svg``."""
    return f"{BADGE_DIR}/{track_id}/{model_id}.svg"


def xml_text(value: Any) -> str:
    """Text for an SVG element or attribute: ``< > & " '`` as entities (record text, escaped once)."""
    return str(escape("" if value is None else str(value)))


def text_width(text: str) -> int:
    """Approximate width in pixels of ``text`` in 11 px Verdana (the SVG also sets ``textLength``,
    so the text is drawn to exactly this width whatever font the viewer has)."""
    width = sum(3.9 if c in _NARROW else 10.5 if c in _WIDE else 7.1 for c in text)
    return round(width)


def make_badge(row: dict[str, Any], *, name: str, track_label: str, ruler: str, version: str) -> Badge | None:
    """The badge of one densities.csv ``row`` (a model on a track); None when it has no density."""
    density = number(row.get("density"))
    if density is None:
        return None
    side = bound_side(row.get("flags"))
    low, high = number(row.get("density_low")), number(row.get("density_high"))
    if side is not None:
        sign = "≥" if side == "lower" else "≤"
        value = f"{sign} {fmt_number(density)}"
        words = f"at {'least' if side == 'lower' else 'most'} {fmt_number(density)} (a bound: no interval)"
    elif low is not None and high is not None:
        value = f"{fmt_number(density)} · 90% [{fmt_number(low)}, {fmt_number(high)}]"
        words = f"{fmt_number(density)}, 90% interval {fmt_number(low)} to {fmt_number(high)}"
    else:
        value, words = fmt_number(density), f"{fmt_number(density)} (no interval)"
    track = str(row.get("track") or "")
    title = (
        f"Density of {name}: {words}, on the {track_label} track ({track}, ruler {ruler}), data {version}. "
        "Density is effective size over parameters (Densing Law of LLMs)."
    )
    return Badge(
        model=str(row["model"]),
        track=track,
        label=f"density · {track}",
        value=f"{value} · data {version}",
        title=title,
        citable=bool(row.get("citable")),
    )


def badge_svg(badge: Badge) -> str:
    """The badge as a standalone SVG that links to the model page."""
    left, right = text_width(badge.label) + 2 * PAD, text_width(badge.value) + 2 * PAD
    width = left + right
    fill = COLORS["citable"] if badge.citable else COLORS["other"]
    title = xml_text(badge.title)
    url = xml_text(badge.model_url)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="{width}" height="{HEIGHT}" viewBox="0 0 {width} {HEIGHT}" role="img" '
        'aria-labelledby="title">'
        f'<title id="title">{title}</title>'
        f'<a href="{url}" xlink:href="{url}" target="_top">'
        f'<rect width="{left}" height="{HEIGHT}" fill="{COLORS["label"]}"/>'
        f'<rect x="{left}" width="{right}" height="{HEIGHT}" fill="{fill}"/>'
        f'<g fill="#fff" font-family="{FONT}" font-size="11" text-rendering="geometricPrecision">'
        f'<text x="{PAD}" y="14" textLength="{left - 2 * PAD}" lengthAdjust="spacingAndGlyphs">'
        f"{xml_text(badge.label)}</text>"
        f'<text x="{left + PAD}" y="14" textLength="{right - 2 * PAD}" lengthAdjust="spacingAndGlyphs">'
        f"{xml_text(badge.value)}</text>"
        "</g></a></svg>\n"
    )


def markdown_alt(text: str) -> str:
    """``text`` as a Markdown image's alt text: brackets and backslashes escaped, ``< > &`` as
    entities, on one line."""
    line = " ".join(text.split())
    for char in ("\\", "[", "]"):
        line = line.replace(char, "\\" + char)
    return xml_text(line)


def badge_snippets(badge: Badge) -> dict[str, str]:
    """What to paste into a model card or README: Markdown and HTML, both linking to the model page
    (alt text: :attr:`Badge.alt`)."""
    image, alt = f"{SITE_URL}{badge.path}", badge.alt
    return {
        "markdown": f"[![{markdown_alt(alt)}]({image})]({badge.model_url})",
        "html": (
            f'<a href="{xml_text(badge.model_url)}"><img src="{xml_text(image)}" alt="{xml_text(alt)}"></a>'
        ),
    }


def track_badges(track: Any, names: dict[str, str], version: str) -> list[Badge]:
    """The badge of every model with a density on ``track`` (a
    :class:`densing_site.inputs.fit_tracks.Track`)."""
    out = []
    for row in track.densities.to_dict("records"):
        badge = make_badge(
            row | {"track": track.id},
            name=names.get(str(row["model"]), str(row["model"])),
            track_label=track.label,
            ruler=track.ruler or str(track.trend.get("ruler") or ""),
            version=version,
        )
        if badge is not None:
            out.append(badge)
    return out


def write_badges(
    writer: Any, tracks: Any, names: dict[str, str], version: str
) -> dict[tuple[str, str], Badge]:
    """Write ``badges/<track>/<model>.svg`` for every reading with a density; (model, track) -> badge."""
    written = {}
    for track in tracks:
        for badge in track_badges(track, names, version):
            writer.write_text(badge.path, badge_svg(badge))
            written[(badge.model, badge.track)] = badge
    return written
