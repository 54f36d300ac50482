"""Tracks: one ruler read with scores of one protocol family, fitted and reported on its own.

A density is only as comparable as the scores behind it. A :class:`Track` names a ruler, the
benchmarks read on it and which scores it accepts:

- a track with a ``protocol_family`` (see :mod:`densing_fit.reading.protocols`) takes only scores of that
  family (one harness for every model) and never sees the others;
- a track without one takes every score whose stated shots and chain-of-thought equal the ruler's
  setting; a score whose stated setting differs is refused (``protocol_mismatch``), and one whose
  source states none is refused too unless the track ``allow_unstated``;
- a track may declare :class:`~densing_fit.reading.bridges.BridgeSpec` bridges from another protocol; a
  bridged score enters with the bridge's error in its interval.

:data:`TRACKS` lists the project's tracks in display order; :data:`DEFAULT_TRACK` is the one the
leaderboard shows first (see :data:`DEFAULT_REASON`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from densing_fit.reading.bridges import BridgeSpec
from densing_fit.reading.protocols import PROTOCOL_FAMILIES

LADDER_TASKS = (
    "mmlu-rc",
    "hellaswag-rc",
    "arc-challenge-rc",
    "arc-easy-rc",
    "piqa-rc",
    "csqa-rc",
    "openbookqa-rc",
    "socialiqa-rc",
)
"""The OLMo ladder paper's eight tasks (Bhagia et al. 2024), aggregated by the loss-based track."""

PAPER_BENCHMARKS = ("mmlu", "bbh", "math", "humaneval", "mbpp")
"""The paper's five benchmarks: MMLU 5-shot, BBH 3-shot CoT, MATH 4-shot, HumanEval 0-shot, MBPP 3-shot."""

FRONTIER_BENCHMARKS = ("mmlu-pro", "bbh", "math")
"""Benchmarks the frontier track aggregates (see docs/method.md, "The frontier track")."""


@dataclass(frozen=True)
class Track:
    """One ruler read with the scores of one protocol family."""

    id: str
    """Stable id (``paper-settings``, ``uniform-harness``, ``loss-based`` ...)."""
    label: str
    """Short human name."""
    ruler: str
    """Ruler record id."""
    protocol: str
    """The protocol family in plain words."""
    description: str
    """What the track is for and what it cannot do, in plain words."""
    protocol_family: str | None = None
    """Family id of the accepted scores; None: scores matching the ruler's shots/CoT, any source."""
    benchmarks: tuple[str, ...] | None = None
    """Benchmarks aggregated; None: the paper's five the ruler covers (else all the ruler's)."""
    min_benchmarks: int | None = None
    """Fewest benchmarks for an aggregate; None: the fit option, else half the set rounded up."""
    allow_unstated: bool = False
    """Accept scores whose source states no shots/CoT (flagged ``protocol_unstated``)."""
    unstated_fallback: bool = False
    """For a model that gets no density from stated scores alone, read it again accepting scores
    whose source states no shots (flagged ``protocol_unstated``: shown, neither ranked nor in the
    trend). Models with a density from stated scores keep it, untouched by their unstated ones."""
    bridges: tuple[BridgeSpec, ...] = ()
    """Declared bridges from other protocols."""
    d0_tokens: float | None = None
    """Training tokens D0 at which a two-step ruler reads effective sizes; None: the fit option's
    default (1e12, the paper's arXiv version)."""

    def benchmark_set(self, ruler_benchmarks: tuple[str, ...]) -> tuple[str, ...]:
        """The benchmarks this track aggregates, given the ruler's."""
        if self.benchmarks is not None:
            return tuple(b for b in self.benchmarks if b in ruler_benchmarks)
        paper = tuple(b for b in PAPER_BENCHMARKS if b in ruler_benchmarks)
        return paper or ruler_benchmarks

    def describe(self) -> dict[str, Any]:
        """The track's definition as a JSON-ready mapping (tracks.json)."""
        return {
            "id": self.id,
            "label": self.label,
            "ruler": self.ruler,
            "protocol": self.protocol,
            "protocol_family": self.protocol_family,
            "description": self.description,
            "allow_unstated": self.allow_unstated,
            "d0_tokens": self.d0_tokens,
            "bridges": [
                {
                    "benchmark": b.benchmark,
                    "source": b.source,
                    "source_benchmark": b.from_benchmark,
                    "why": b.why,
                }
                for b in self.bridges
            ],
        }


TRACKS: tuple[Track, ...] = (
    Track(
        id="paper-settings",
        label="Paper's benchmarks and settings",
        ruler="qwen2.5-blog",
        protocol=(
            "the paper's five benchmarks with the ruler's stated settings (MMLU 5-shot, BBH 3-shot CoT, "
            "MATH 4-shot, HumanEval 0-shot, MBPP 0-shot as the Qwen team ran it), from any report that "
            "states them"
        ),
        description=(
            "Reads developers' and third parties' reports on the paper's benchmarks with the Qwen2.5 base "
            "family as ruler. A score is used only when its source states the same shots and "
            "chain-of-thought as the ruler's (an unstated chain-of-thought is taken as the benchmark's "
            "standard one); scores with other settings are left out. A model that has too few such "
            "scores is read again with the scores whose source states no shots, flagged "
            "protocol_unstated: shown one click away, but neither ranked nor fitted in the trend. "
            "Reaches models from 2023 on: older ones fall below the Qwen2.5 family's reach."
        ),
        unstated_fallback=True,
    ),
    Track(
        id="frontier",
        label="2025-26 frontier (Qwen2.5 ruler chained to Qwen3)",
        ruler="qwen3-report-chain",
        protocol=(
            "the Qwen3 technical report's base-model settings (MMLU-Pro 5-shot CoT, BBH 3-shot CoT, "
            "MATH 4-shot CoT), from any report that states them"
        ),
        description=(
            "Reads the 2025-26 base models on the benchmarks their reports print and the reference families "
            "have not saturated, with the Qwen2.5 base family as measured in the Qwen3 report as ruler and "
            "the Qwen3 base family, measured in the same tables, chained onto it to read scores beyond the "
            "Qwen2.5 family's reach; effective sizes stay in Qwen2.5 units. Every reading outside the "
            "reference sizes carries the back-tested extrapolation error. Scores are used when their "
            "source states the ruler's shots and chain-of-thought; a model with too few such scores is read "
            "again with scores that state no shots (flagged protocol_unstated: shown, neither ranked nor in "
            "the trend)."
        ),
        benchmarks=FRONTIER_BENCHMARKS,
        min_benchmarks=2,
        unstated_fallback=True,
    ),
    Track(
        id="uniform-harness",
        label="One harness for every model (Open LLM Leaderboard v1)",
        ruler="qwen1.5-obsscaling",
        protocol=PROTOCOL_FAMILIES["obsscaling"],
        description=(
            "Every model measured by the same lm-evaluation-harness runs (ObsScaling, Ruan et al. 2024), "
            "read on the Qwen1.5 base family (0.5B-110B) measured in those same runs. Aggregates "
            "ARC-Challenge, HellaSwag and WinoGrande, the leaderboard tasks on which models from 2019 to "
            "2024 all score above chance; MMLU and GSM8K sit at chance for most models before 2023 and "
            "TruthfulQA does not grow with size, so they are fitted (see the sensitivity table) but not "
            "aggregated. Reaches back to GPT-2 and OPT, so it can fit the trend before ChatGPT."
        ),
        protocol_family="obsscaling",
        benchmarks=("arc-challenge", "hellaswag", "winogrande"),
    ),
    Track(
        id="loss-based",
        label="The paper's two-step method (OLMo ladder)",
        ruler="olmo-ladder",
        protocol=PROTOCOL_FAMILIES["olmes"],
        description=(
            "The paper's own method: loss as a function of size and data fitted on AI2's OLMo ladder, "
            "then score as a function of loss, read at D0 = 5T training tokens (the paper's journal "
            "version; at its arXiv version's 1T the ladder's own held-out OLMo-2 7B, trained on 4T, "
            "reads as a model over 100 times its size). Reads scores measured under OLMES in its cloze "
            "(RC) formulation on the ladder paper's eight tasks (BoolQ and WinoGrande, whose "
            "score-from-loss fits on the ladder explain too little of the scores to be inverted, are "
            "fitted but not aggregated). HellaSwag and ARC-Challenge scores of the uniform harness "
            "(the same cloze task with length-normalised accuracy, other shots) enter through measured "
            "bridges, with the bridge's error in the interval."
        ),
        protocol_family="olmes",
        benchmarks=LADDER_TASKS,
        min_benchmarks=2,
        d0_tokens=5e12,
        bridges=(
            BridgeSpec(
                benchmark="hellaswag-rc",
                source="obsscaling",
                source_benchmark="hellaswag",
                why=(
                    "the same cloze task scored by length-normalised accuracy (10-shot in the uniform "
                    "harness, 5-shot in OLMES), so one straight line maps one to the other"
                ),
            ),
            BridgeSpec(
                benchmark="arc-challenge-rc",
                source="obsscaling",
                source_benchmark="arc-challenge",
                why=(
                    "the same cloze task scored by length-normalised accuracy (25-shot in the uniform "
                    "harness, 5-shot in OLMES), so one straight line maps one to the other"
                ),
            ),
        ),
    ),
)
"""The project's tracks, in display order."""

DEFAULT_TRACK = "paper-settings"
"""The track the leaderboard shows first."""

DEFAULT_REASON = (
    "The default track is the paper's own yardstick: its five benchmarks (knowledge, reasoning, math "
    "and code) read with the ruler's exact settings, so its numbers compare directly with the Densing "
    "Law paper; the uniform-harness track reaches further back in time but on commonsense tasks only, "
    "and the loss-based track, the paper's own method, reads models of several trillion tokens by a long "
    "extrapolation from reference models of at most 3.2B parameters."
)
"""Why :data:`DEFAULT_TRACK` is the default, in plain words."""


def ruler_track(ruler_id: str, allow_unstated: bool = True) -> Track:
    """A track for a ruler no defined track uses: the ruler's settings, scores from any source."""
    return Track(
        id=f"ruler-{ruler_id}",
        label=f"Ruler {ruler_id}",
        ruler=ruler_id,
        protocol="scores whose stated shots and chain-of-thought equal the ruler's, from any source",
        description=f"Every score matching the settings of ruler {ruler_id!r}.",
        allow_unstated=allow_unstated,
    )


def find_track(tracks: tuple[Track, ...], track_id: str) -> Track:
    """The track ``track_id`` of ``tracks`` (KeyError naming the known ids otherwise)."""
    for track in tracks:
        if track.id == track_id:
            return track
    raise KeyError(f"unknown track {track_id!r}; the tracks are: {', '.join(t.id for t in tracks)}")
