"""capabilities.json and capabilities.csv: every capability group's densing law on every track, the
pairwise overlap of their intervals, the knowledge group against IKP, and the MMLU-CF check.

One track at a time: a group is read on a track's ruler with the track's scores, never across
tracks (their rulers' units differ), so doubling times are compared within a track.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from densing_data.loader import Dataset
from densing_fit.capabilities.contamination import contamination_check
from densing_fit.capabilities.group_fit import MIN_FRONTIER, MIN_MODELS, fit_group, overlaps
from densing_fit.capabilities.ikp import compare, ikp_reference
from densing_fit.capabilities.readings import READING_COLUMNS, fitted_benchmarks, read_group
from densing_fit.capabilities.registry import (
    GROUPS,
    LEFT_OUT_ON_TRACK,
    UNGROUPED,
    CapabilityGroup,
    check_groups,
)
from densing_fit.options import FitOptions
from densing_fit.track_fit import TrackResult

KNOWLEDGE = "knowledge"
HEAD_ON_TRACK = "gemma3-settings"
"""The track that reads a closed-book knowledge benchmark (TriviaQA): the knowledge group's head-on
reading, set against IKP first."""


def track_capabilities(
    track: TrackResult, groups: Sequence[CapabilityGroup], opts: FitOptions, capability_only: bool = False
) -> tuple[dict[str, Any], pd.DataFrame]:
    """One track's entry in capabilities.json and its rows of capabilities.csv."""
    left_out = LEFT_OUT_ON_TRACK.get(track.track.id, {})
    entries, frames = [], []
    for group in groups:
        readings = read_group(track, group, left_out)
        entry, frontier = fit_group(readings, opts)
        entries.append(entry)
        if not readings.table.empty:
            frames.append(readings.table.assign(frontier=readings.table["model"].isin(frontier)))
    grouped = {b for g in groups for b in g.benchmarks}
    entry = {
        "track": track.track.id,
        "label": track.track.label,
        "ruler": track.track.ruler,
        "protocol": track.track.protocol,
        "capability_only": capability_only,
        "groups": entries,
        "ungrouped": [b for b in fitted_benchmarks(track) if b not in grouped],
        "overlap": overlaps(entries),
    }
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=READING_COLUMNS)
    return entry, rows


def capabilities_document(
    ds: Dataset,
    tracks: Iterable[TrackResult],
    extra: Iterable[TrackResult],
    opts: FitOptions,
    groups: Iterable[CapabilityGroup] = GROUPS,
) -> tuple[dict[str, Any], pd.DataFrame]:
    """The capabilities.json object and the capabilities.csv table for the leaderboard's ``tracks``
    and the capability-only ``extra`` tracks (a benchmark in two groups is refused first)."""
    groups = check_groups(groups)
    parts = [
        track_capabilities(result, groups, opts, capability_only=only)
        for result, only in [*((t, False) for t in tracks), *((t, True) for t in extra)]
    ]
    return assemble_capabilities(ds, parts, opts, groups)


def assemble_capabilities(
    ds: Dataset,
    parts: Sequence[tuple[dict[str, Any], pd.DataFrame]],
    opts: FitOptions,
    groups: Sequence[CapabilityGroup],
) -> tuple[dict[str, Any], pd.DataFrame]:
    """capabilities.json and capabilities.csv from each track's part (:func:`track_capabilities` with
    ``groups`` checked by :func:`check_groups`), in the order given."""
    entries = [entry for entry, _ in parts]
    frames = [rows for _, rows in parts]
    nonempty = [f for f in frames if not f.empty]
    table = pd.concat(nonempty, ignore_index=True) if nonempty else pd.DataFrame(columns=READING_COLUMNS)
    rulers = {e["ruler"]: tuple(g for grp in e["groups"] for g in grp["benchmarks"]) for e in entries}
    document = {
        "data_version": ds.version,
        "confidence": opts.confidence,
        "minimum": {"models": MIN_MODELS, "frontier_points": MIN_FRONTIER},
        "groups": [g.describe() for g in groups],
        "ungrouped": dict(sorted(UNGROUPED.items())),
        "tracks": entries,
        "knowledge_vs_ikp": knowledge_vs_ikp(entries),
        "contamination": contamination_check(ds, rulers),
    }
    return document, table


def knowledge_vs_ikp(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """IKP's coefficient (converted) and the knowledge group of every track against it, the head-on
    track (:data:`HEAD_ON_TRACK`, TriviaQA) first."""
    ordered = sorted(entries, key=lambda e: e["track"] != HEAD_ON_TRACK)
    rows = []
    for entry in ordered:
        group = next((g for g in entry["groups"] if g["id"] == KNOWLEDGE), None)
        if group is not None and group["status"] != "not_read":
            rows.extend(compare(entry["track"], group))
    return {"head_on_track": HEAD_ON_TRACK, "ikp": ikp_reference(), "comparisons": rows}
