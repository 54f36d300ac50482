"""``calculator.json``: everything the site's density calculator needs to read a new model exactly as
``densing fit`` reads a recorded one, for one data version (docs/dev/fit-outputs.md).

Per track: its benchmark set and minimum, which protocols it reads (family, unstated fallback), each
benchmark's ruler setting and fitted estimator (:mod:`densing_fit.calculator.estimators`), its
bridges with the terms of their prediction error, its densing-law line with the band samples, and
the citable readings a new one is ranked among. Plus the constants of the reading (the 90% quantile,
the widest interval kept, the bridge slope's step), the protocol families' slug patterns, the
benchmarks' floors, maxima and standard settings, and the flags' explanations.
"""

from __future__ import annotations

from typing import Any

from densing_data.schema.records import MAX_PARAMS
from densing_fit.calculator.estimators import SCALES, estimator_document
from densing_fit.calculator.inputs import DATE_RANGE, MAX_SHOTS
from densing_fit.pipeline import FitResult
from densing_fit.reading.density import IMPRECISE_SPREAD, SLOPE_STEP
from densing_fit.reading.flags import CITE_BLOCKERS, FLAG_EXPLANATIONS
from densing_fit.reading.protocols import PROTOCOL_FAMILIES, family_patterns
from densing_fit.rulers.optimize import Z_90
from densing_fit.track_fit import TrackResult

SCHEMA = 1
"""Version of this file's layout (raised when a key changes meaning)."""
BRIDGE_KEYS = (
    "benchmark",
    "source",
    "source_benchmark",
    "slope",
    "intercept",
    "residual_sd",
    "n_pairs",
    "x_mean",
    "sxx",
)
"""A bridge's line and the terms of its prediction error (:class:`densing_fit.reading.bridges.Bridge`)."""
TREND_KEYS = ("slope_per_day", "intercept", "t0", "doubling_days", "doubling_days_ci", "error")


def calculator_document(result: FitResult) -> dict[str, Any]:
    """The calculator.json object of ``result``."""
    tracks = [t for t in result.tracks if t.fitted_ruler is not None]
    wanted = {b for t in tracks for b in _benchmarks_read(t)}
    return {
        "schema": SCHEMA,
        "data_version": result.data_version,
        "default_track": result.default_track,
        "constants": {
            "z90": Z_90,
            "imprecise_spread": IMPRECISE_SPREAD,
            "slope_step": SLOPE_STEP,
            "scales": SCALES,
            "date_range": [d.isoformat() for d in DATE_RANGE],
            "max_params": MAX_PARAMS,
            "max_shots": MAX_SHOTS,
        },
        "options": {
            "include_mismatched": result.options.include_mismatched,
            "min_benchmarks": result.options.min_benchmarks,
        },
        "protocol_families": {
            family: {"pattern": pattern, "description": PROTOCOL_FAMILIES.get(family, "")}
            for family, pattern in family_patterns().items()
        },
        "benchmarks": {b: info for b, info in sorted(result.benchmark_info.items()) if b in wanted},
        "flags": FLAG_EXPLANATIONS,
        "cite_blockers": sorted(CITE_BLOCKERS),
        "tracks": [track_document(t) for t in tracks],
    }


def _benchmarks_read(track: TrackResult) -> list[str]:
    """The set's benchmarks and the benchmarks its bridges convert from."""
    return [*track.benchmarks, *(str(b["source_benchmark"]) for b in track.bridges if not b.get("error"))]


def track_document(track: TrackResult) -> dict[str, Any]:
    """One track's part of calculator.json."""
    ruler = track.fitted_ruler
    assert ruler is not None
    citable = track.densities[track.densities["citable"]].sort_values("model", kind="mergesort")
    return {
        "id": track.track.id,
        "label": track.track.label,
        "ruler": ruler.ruler_id,
        "ruler_kind": ruler.kind,
        "protocol": track.track.protocol,
        "protocol_family": track.track.protocol_family,
        "allow_unstated": track.track.allow_unstated,
        "unstated_fallback": track.track.unstated_fallback,
        "benchmarks": list(track.benchmarks),
        "min_benchmarks": track.min_benchmarks,
        "reference_models": sorted(ruler.members),
        "settings": {b: ruler.settings[b].as_dict() for b in track.benchmarks},
        "estimators": {
            b: estimator_document(ruler.estimators[b]) for b in track.benchmarks if b in ruler.estimators
        },
        "no_ruler": {b: ruler.errors[b] for b in track.benchmarks if b in ruler.errors},
        "bridges": [
            {key: bridge[key] for key in BRIDGE_KEYS}
            for bridge in track.bridges
            if not bridge.get("error") and bridge["benchmark"] in track.benchmarks
        ],
        "trend": {key: track.trend.get(key) for key in TREND_KEYS}
        | {"band": _band(track.trend), "confidence": track.trend.get("bootstrap", {}).get("confidence")},
        "citable": [
            [m, d] if a == d else [m, d, a]
            for m, d, a in zip(
                citable["model"].astype(str),
                citable["density"].astype(float),
                citable["density_active"].astype(float),
                strict=True,
            )
        ],
    }


def _band(trend: dict[str, Any]) -> list[list[Any]]:
    """[date, low, high] of the 90% band at each date the trend samples its line (line, then extension)."""
    return [
        [p["date"], p["low"], p["high"]]
        for p in [*(trend.get("line") or []), *(trend.get("line_extension") or [])]
    ]
