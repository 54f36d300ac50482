"""Step 1 of a track's pass: the scores of its protocol, one per (model, benchmark).

Among a model's scores on a benchmark the preferred one is chosen as :mod:`densing_fit.reading.selection`
says; then the track decides whether it may be read (its *status*): ``""`` accepted,
``protocol_mismatch`` (stated shots/CoT differ from the ruler's), ``protocol_unstated`` (the source
states none and the track does not accept that). A refused score stays in the table, unused, so the
model page and the downloads show it. A track with a protocol family never sees other protocols'
scores, except through a declared bridge: where a model has no accepted score on the benchmark, its
score under the bridge's source protocol is converted (status ``bridged``, with the bridge's error).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from densing_fit.errors import FitError
from densing_fit.reading.bridges import Bridge, BridgeSpec
from densing_fit.reading.protocols import in_family
from densing_fit.reading.selection import MISMATCHED, UNSTATED, Setting, protocol_rank, select_scores
from densing_fit.tracks import Track

MISMATCH, UNSTATED_FLAG, BRIDGED = "protocol_mismatch", "protocol_unstated", "bridged"

COLUMNS = [
    "model",
    "benchmark",
    "score_id",
    "value",
    "protocol",
    "status",
    "used",
    "shots_unstated",
    "bridge_sd",
]


def score_status(shots: object, cot: object, protocol: object, setting: Setting, track: Track) -> str:
    """Whether ``track`` reads a score of its protocol family measured so (``""``) or why not.

    ``cot`` should already be the benchmark's standard formulation where the source does not say
    (see :func:`select_track_scores`)."""
    if setting.protocol is not None and protocol == setting.protocol:
        return ""
    rank = protocol_rank(shots, cot, None, Setting(setting.shots, setting.cot))
    if rank == MISMATCHED:
        return MISMATCH
    if rank == UNSTATED and not track.allow_unstated:
        return UNSTATED_FLAG
    return ""


def select_track_scores(
    scores: pd.DataFrame,
    track: Track,
    settings: Mapping[str, Setting],
    include_mismatched: bool = False,
    standard_cot: Mapping[str, bool | None] | None = None,
    fitted_bridges: Mapping[str, Mapping[str, Any]] | None = None,
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """The chosen score per (model, benchmark) of ``track`` and the summaries of its bridges.

    ``settings``: benchmark -> the ruler's setting (only these benchmarks are selected). With
    ``include_mismatched`` refused scores are used too (they keep their status as a flag).
    ``standard_cot``: benchmark -> its standard formulation (the benchmark record's default); a
    score that states its shots but not whether it used chain-of-thought is taken to follow it
    (MMLU 5-shot reports almost never say "no CoT"). A score that states no shots is unstated.
    ``fitted_bridges``: benchmark -> the summary of a bridge fitted before (as this function returns
    it); given, the track's bridges convert with those lines instead of being fitted on ``scores``
    (reading one new model with the lines the whole data set gave).
    """
    wanted = scores[scores["benchmark"].isin(list(settings))]
    own = wanted
    if track.protocol_family is not None:
        own = wanted[
            np.asarray([in_family(p, track.protocol_family) for p in wanted["protocol"]], dtype=bool)
        ]
    standard = standard_cot or {}
    own = own.assign(
        cot=[_standard(c, standard.get(b)) for c, b in zip(own["cot"], own["benchmark"], strict=True)]
    )
    chosen = select_scores(own, settings)
    chosen["status"] = [
        score_status(s, c, p, settings[b], track)
        for s, c, p, b in zip(
            chosen["shots"], chosen["cot"], chosen["protocol"], chosen["benchmark"], strict=True
        )
    ]
    chosen["used"] = (chosen["status"] == "") | include_mismatched
    chosen["shots_unstated"] = chosen["protocol_rank"] == UNSTATED
    chosen["bridge_sd"] = 0.0
    summaries = []
    for spec in track.bridges:
        if spec.benchmark not in settings:
            continue
        on_source = scores[scores["benchmark"] == spec.from_benchmark]
        in_source = np.asarray([in_family(p, spec.source) for p in on_source["protocol"]], dtype=bool)
        source = _as_benchmark(on_source[in_source], spec.benchmark)
        fitted = None if fitted_bridges is None else fitted_bridges.get(spec.benchmark, {})
        bridged, summary = _bridge(spec, select_scores(source, settings), chosen, fitted)
        summaries.append(summary)
        if not bridged.empty:
            replaced = (chosen["benchmark"] == spec.benchmark) & chosen["model"].isin(bridged["model"])
            chosen = pd.concat([chosen[~replaced], bridged], ignore_index=True)
    chosen = chosen.sort_values(["model", "benchmark"], kind="mergesort").reset_index(drop=True)
    return chosen[COLUMNS], summaries


def _as_benchmark(source: pd.DataFrame, benchmark: str) -> pd.DataFrame:
    """Source scores relabelled as the track's ``benchmark`` (their ids still name the source record)."""
    return source.assign(benchmark=benchmark)


def _standard(cot: object, default: bool | None) -> object:
    return default if (cot is None or pd.isna(cot)) and default is not None else cot


def _bridge(
    spec: BridgeSpec, source: pd.DataFrame, chosen: pd.DataFrame, fitted: Mapping[str, Any] | None = None
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Converted rows for the models with no used score of their own on the bridge's benchmark; the
    bridge is fitted on the models measured both ways, unless ``fitted`` (its earlier summary) is given."""
    on_bench = chosen[chosen["benchmark"] == spec.benchmark]
    described = {
        "benchmark": spec.benchmark,
        "source": spec.source,
        "source_benchmark": spec.from_benchmark,
        "why": spec.why,
    }
    try:
        bridge = _fit_bridge(spec, source, on_bench) if fitted is None else _described_bridge(spec, fitted)
    except FitError as err:
        return pd.DataFrame(columns=COLUMNS), described | {"error": str(err)}
    rows = source[~source["model"].isin(set(on_bench.loc[on_bench["used"], "model"]))].copy()
    value, sd = bridge.convert(rows["value"].to_numpy())
    rows["value"], rows["bridge_sd"] = value, sd
    rows["status"], rows["used"], rows["shots_unstated"] = BRIDGED, True, False
    return rows, described | bridge.summary() | {"n_converted": len(rows), "error": None}


def _fit_bridge(spec: BridgeSpec, source: pd.DataFrame, on_bench: pd.DataFrame) -> Bridge:
    """The bridge's line fitted on the models with an accepted score of the track's own protocol."""
    target = on_bench[on_bench["status"] == ""].set_index("model")["value"]
    pairs = source[source["model"].isin(target.index)]
    return Bridge(spec).fit(pairs["value"].to_numpy(), target.loc[pairs["model"]].to_numpy())


def _described_bridge(spec: BridgeSpec, fitted: Mapping[str, Any]) -> Bridge:
    """The bridge an earlier fit described (FitError when that fit could not fit it)."""
    if not fitted or fitted.get("error"):
        raise FitError(fitted.get("error") or f"bridge into {spec.benchmark}: not fitted")
    return Bridge.from_summary(spec, fitted)
