"""From records to the numbers the site shows: :func:`fit_all` and its :class:`FitResult`.

One fit is one pass per track (:func:`densing_fit.track_fit.fit_track`: select the scores of the
track's protocol → read them on its ruler → aggregate → trend), then the summaries that look across
tracks and rulers: agreement between tracks, the sensitivity table, the compression table.
:func:`densing_fit.outputs.write_outputs` writes the result to files.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from densing_data.contrib.release.released_models import baseline_release, released_models
from densing_data.loader import Dataset
from densing_fit.capabilities import GROUPS, capability_tracks, check_groups
from densing_fit.capabilities.document import assemble_capabilities, track_capabilities
from densing_fit.errors import FitError
from densing_fit.options import FitOptions, track_d0_tokens
from densing_fit.parallel import run_tasks
from densing_fit.rulers.fitting import FittedRuler, benchmark_defaults, fit_ruler
from densing_fit.summaries.agreement import agreement
from densing_fit.summaries.compression import compression_table
from densing_fit.summaries.sensitivity import base_models, sensitivity_frame, sensitivity_rows
from densing_fit.track_fit import TrackResult, fit_track
from densing_fit.tracks import DEFAULT_REASON, DEFAULT_TRACK, TRACKS, Track, find_track, ruler_track

__all__ = ["FitOptions", "FitResult", "fit_all"]

TEXT_STORAGE = "python"
"""Storage of the text columns of the tables a fit builds: Python objects rather than pyarrow. The
fit builds and filters thousands of small tables, where pyarrow's conversions cost about 15 % of its
time for the same values. Only within :func:`fit_all`: the loaded records keep pandas' default (their
Parquet exports are released byte for byte)."""

TrackPart = tuple[TrackResult, tuple[dict[str, Any], pd.DataFrame] | None]
"""A track's result (its fitted ruler left out) and its capability groups' part, when asked for."""


@dataclass(frozen=True)
class FitResult:
    """Everything the fitter computed; the top-level fields are the main track's."""

    ruler_id: str
    """The main track's ruler."""
    data_version: str
    """Data version of the records fitted."""
    options: FitOptions
    """The options used."""
    densities: pd.DataFrame
    """Main track: one row per model (columns as densities.csv; ``nan`` where empty)."""
    per_benchmark: pd.DataFrame
    """Main track: one row per (model, benchmark) with a chosen score (see density.read_scores)."""
    trend: dict[str, Any]
    """Main track: the trend.json object."""
    ruler: dict[str, Any]
    """Main track: the ruler.json object."""
    rulers: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Ruler id -> ruler.json object, for every ruler fitted."""
    sensitivity: pd.DataFrame = field(default_factory=pd.DataFrame)
    """The sensitivity.csv table."""
    compression: pd.DataFrame = field(default_factory=pd.DataFrame)
    """The compression.csv table (main track)."""
    track_id: str = ""
    """The main track's id."""
    tracks: tuple[TrackResult, ...] = ()
    """Every track fitted, in display order."""
    default_track: str = ""
    """The track the leaderboard shows first."""
    default_reason: str = ""
    """Why, in plain words."""
    agreement: list[dict[str, Any]] = field(default_factory=list)
    """One entry per pair of tracks (see :mod:`densing_fit.summaries.agreement`)."""
    capabilities: dict[str, Any] | None = None
    """The capabilities.json object (densing law per capability group), or None when not asked for."""
    capability_readings: pd.DataFrame = field(default_factory=pd.DataFrame)
    """The capabilities.csv table: one row per (track, group, model) group reading."""
    benchmark_info: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Benchmark id -> name, floor, maximum, default_shots, default_cot (the records' benchmarks)."""


def default_ruler_id(ds: Dataset) -> str:
    """The id of the ruler marked ``default: true``."""
    if ds.rulers.empty:
        raise FitError("the records define no ruler; add one under records/rulers/ (see docs/method.md)")
    defaults = ds.rulers[ds.rulers["default"].astype(bool)]
    if len(defaults) != 1:
        raise FitError(f"expected exactly one ruler with default: true, found {defaults['id'].tolist()}")
    return str(defaults.iloc[0]["id"])


def plan_tracks(ds: Dataset, opts: FitOptions) -> tuple[list[Track], str]:
    """The tracks to fit (defined tracks whose ruler is recorded, plus a ruler's own track when
    asked for) and the id of the main one."""
    if opts.track_id and opts.ruler_id:
        raise FitError("choose the main track by its id or by its ruler, not both")
    recorded = set(ds.rulers["id"].astype(str)) if not ds.rulers.empty else set()
    defined = tuple(opts.tracks if opts.tracks is not None else TRACKS)
    tracks = [t for t in defined if t.ruler in recorded]
    if opts.track_id:
        try:
            main = find_track(defined, opts.track_id)
        except KeyError as err:
            raise FitError(err.args[0]) from None
        if main.ruler not in recorded:
            raise FitError(f"track {main.id!r} reads ruler {main.ruler!r}, which the records do not define")
        return tracks, main.id
    ruler_id = opts.ruler_id
    if ruler_id is None:
        if any(t.id == DEFAULT_TRACK for t in tracks):
            return tracks, DEFAULT_TRACK
        ruler_id = default_ruler_id(ds)
    if ruler_id not in recorded:
        known = ", ".join(sorted(recorded)) or "none"
        raise FitError(f"unknown ruler {ruler_id!r}; the records define: {known}")
    for track in tracks:
        if track.ruler == ruler_id:
            return tracks, track.id
    own = ruler_track(ruler_id, allow_unstated=not opts.strict_protocol)
    return [*tracks, own], own.id


def fit_all(ds: Dataset, options: FitOptions | None = None, **changes: Any) -> FitResult:
    """Fit every track on ``ds``, then agreement, compression and (optionally) sensitivity.

    ``changes`` override fields of ``options`` (e.g. ``fit_all(ds, ruler_id="qwen3-report")``).
    """
    opts = dataclasses.replace(options or FitOptions(), **changes)
    with pd.option_context("mode.string_storage", TEXT_STORAGE):
        return _fit_all(ds, opts)


def _fit_all(ds: Dataset, opts: FitOptions) -> FitResult:
    tracks, main_id = plan_tracks(ds, opts)
    fitted: dict[tuple[str, float], FittedRuler] = {}

    def ruler_of(track: Track) -> FittedRuler:
        key = (track.ruler, track_d0_tokens(opts, track))
        if key not in fitted:
            fitted[key] = fit_ruler(ds, key[0], d0_tokens=key[1])
        return fitted[key]

    baseline = None
    if opts.compare_release:
        baseline = baseline_release(frozenset(ds.models["id"].astype(str)), released_models(), ds.version)
    extra = capability_tracks(ds) if opts.capabilities and opts.tracks is None else ()
    wanted = [t.ruler for t in tracks]
    if opts.sensitivity:
        wanted += sorted(ds.rulers["id"].astype(str))
    rulers = {rid: ruler_of(_track_of(rid, tracks, opts)) for rid in wanted}
    for track in [*tracks, *extra]:
        ruler_of(track)  # every ruler is fitted here, so the workers start with all of them
    groups = check_groups(GROUPS) if opts.capabilities else ()

    def track_task(track: Track, capability_only: bool) -> Callable[[], TrackPart]:
        def task() -> TrackPart:
            result = fit_track(ds, track, ruler_of(track), opts, None if capability_only else baseline)
            part = track_capabilities(result, groups, opts, capability_only) if opts.capabilities else None
            return dataclasses.replace(result, fitted_ruler=None), part  # the ruler stays here

        return task

    tasks: list[Callable[[], Any]] = [track_task(t, False) for t in tracks]
    tasks += [track_task(t, True) for t in extra]
    if opts.sensitivity:
        by_ruler = {rid: _track_of(rid, [*tracks, *extra], opts) for rid in rulers}
        base = base_models(ds)
        tasks += [
            functools.partial(sensitivity_rows, ds, rulers[rid], by_ruler[rid], opts, base)
            for rid in sorted(rulers)
        ]
    done = run_tasks(tasks)
    parts: list[TrackPart] = done[: len(tracks) + len(extra)]
    results = tuple(
        dataclasses.replace(result, fitted_ruler=ruler_of(track))
        for (result, _), track in zip(parts[: len(tracks)], tracks, strict=True)
    )
    capabilities, readings = None, pd.DataFrame()
    if opts.capabilities:
        capabilities, readings = assemble_capabilities(
            ds, [p for _, p in parts if p is not None], opts, groups
        )
    main = next(r for r in results if r.track.id == main_id)
    sensitivity = sensitivity_frame(done[len(parts) :])
    default = DEFAULT_TRACK if any(r.track.id == DEFAULT_TRACK for r in results) else main_id
    return FitResult(
        ruler_id=main.track.ruler,
        data_version=ds.version,
        options=opts,
        densities=main.densities,
        per_benchmark=main.per_benchmark,
        trend=main.trend,
        ruler=main.ruler,
        rulers={rid: dict(r.summary) for rid, r in sorted(rulers.items())},
        sensitivity=sensitivity,
        compression=compression_table(main.densities, ds.scores),
        track_id=main_id,
        tracks=results,
        default_track=default,
        default_reason=DEFAULT_REASON
        if default == DEFAULT_TRACK
        else f"{default} is the only track asked for.",
        agreement=agreement([(r.track.id, r.densities, r.trend) for r in results]),
        capabilities=capabilities,
        capability_readings=readings,
        benchmark_info=benchmark_info(ds),
    )


def benchmark_info(ds: Dataset) -> dict[str, dict[str, Any]]:
    """Benchmark id -> name, floor, maximum and standard setting, JSON-ready."""
    return {
        bench: {
            "name": info["name"],
            "floor": info["floor"],
            "maximum": info["maximum"],
            "default_shots": info["setting"].shots,
            "default_cot": info["setting"].cot,
        }
        for bench, info in benchmark_defaults(ds).items()
    }


def _track_of(ruler_id: str, tracks: list[Track], opts: FitOptions) -> Track:
    return next((t for t in tracks if t.ruler == ruler_id), None) or ruler_track(
        ruler_id, allow_unstated=not opts.strict_protocol
    )
