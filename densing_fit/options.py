"""The choices that change a fit's numbers (:class:`FitOptions`), written into trend.json."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from densing_fit.tracks import Track

PAPER_D0_TOKENS = 1e12
"""D0 of the densing paper's arXiv version: reference models read as if trained on 1T tokens."""


@dataclass(frozen=True)
class FitOptions:
    """Choices that change the numbers; written into trend.json so a result says how it was made."""

    ruler_id: str | None = None
    """Ruler of the main track: the defined track on that ruler, else a track of its own; None: the
    default track (or, when its ruler is not in the records, the ruler marked ``default: true``)."""
    track_id: str | None = None
    """Main track by id (exclusive with ``ruler_id``); its outputs are the top-level files."""
    tracks: tuple[Track, ...] | None = None
    """The tracks to fit; None: :data:`densing_fit.tracks.TRACKS` (those whose ruler is recorded)."""
    include_mismatched: bool = False
    """Use scores whose shots/CoT differ from the ruler's (flagged) instead of leaving them out."""
    strict_protocol: bool = False
    """On a ruler without a defined track, refuse scores whose source states no shots or CoT."""
    d0_tokens: float | None = None
    """D at which a two-step ruler reads N̂ for every track; None: each track's own (``Track.d0_tokens``),
    else :data:`PAPER_D0_TOKENS` (1e12 as in the arXiv paper; 5e12 in the journal version)."""
    min_benchmarks: int | None = None
    """Fewest benchmarks for an aggregate N̂; None: the track's, else half its set rounded up."""
    n_resamples: int = 1000
    """Bootstrap resamples of the trend."""
    confidence: float = 0.9
    """Two-sided level of the trend's interval."""
    seed: int = 0
    """Seed of the bootstrap."""
    cut_date: dt.date = dt.date(2022, 11, 30)
    """Date splitting the trend in two (ChatGPT's release by default)."""
    sensitivity: bool = True
    """Also fit every ruler × benchmark set for the sensitivity table."""
    capabilities: bool = True
    """Also fit the densing law per capability group on every track (capabilities.json)."""
    compare_release: bool = True
    """Also fit each trend without the models added since the previous data release (read from
    ``releases/``), as trend.json's ``without_added``."""


def track_d0_tokens(opts: FitOptions, track: Track) -> float:
    """D0 at which ``track`` reads its two-step ruler: the option when given, else the track's own,
    else :data:`PAPER_D0_TOKENS`."""
    return float(opts.d0_tokens or track.d0_tokens or PAPER_D0_TOKENS)
