"""What ``densing density`` prints: each track's reading in words (text) or as JSON.

Every number says what it is: its 90% interval or that it is a bound, its track and ruler, and the
data version the rulers were fitted on.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from densing_fit.calculator.inputs import ModelInput, ScoreInput
from densing_fit.calculator.reading import BenchmarkOutcome, TrackOutcome
from densing_fit.reading.flags import FLAG_EXPLANATIONS

BOUND_WORDS = {
    "at_least": "at least",
    "at_most": "at most",
}
POSITION_WORDS = {
    "above": "above the line's 90% band",
    "inside": "inside the line's 90% band",
    "below": "below the line's 90% band",
    "beyond": "outside the dates the line was fitted on, where it has no band (an extrapolation)",
}
REFUSED_WORDS = {
    "protocol_mismatch": "not used: its stated shots or chain-of-thought differ from the ruler's",
    "protocol_unstated": "not used: its source does not state the shots this track needs",
}


def params(value: float | None) -> str:
    """A parameter count in words: ``7.24B``, ``350M``, ``1.2T``."""
    if value is None:
        return "n/a"
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if value >= scale:
            return f"{value / scale:.3g}{suffix}"
    return f"{value:.3g}"


def num(value: float | None) -> str:
    """A density or ratio with three significant digits."""
    return "n/a" if value is None else f"{value:.3g}"


def _interval(low: float | None, high: float | None, fmt: Any = num) -> str:
    return "" if low is None or high is None else f" (90% interval {fmt(low)}–{fmt(high)})"


def setting_words(score: ScoreInput) -> str:
    """``5-shot, CoT not stated, protocol obsscaling``."""
    shots = "shots not stated" if score.shots is None else f"{score.shots}-shot"
    cot = "CoT not stated" if score.cot is None else ("CoT" if score.cot else "no CoT")
    return ", ".join([shots, cot] + ([f"protocol {score.protocol}"] if score.protocol else []))


def outcome_lines(
    model: ModelInput, outcomes: Sequence[TrackOutcome], version: str, benchmarks: Mapping[str, Any]
) -> list[str]:
    """The text report: the inputs once, then one block per track."""
    active = "" if model.params_active is None else f" ({params(model.params_active)} active per token)"
    start = f", starting from recorded model {model.model_id}" if model.model_id else ""
    kind = "A base" if model.kind == "base" else f"A {model.kind}"
    lines = [
        f"{kind} model with {params(model.params_total)} parameters{active}, released "
        f"{model.release_date.isoformat()}{start}; rulers fitted on data {version}."
    ]
    for outcome in outcomes:
        lines += ["", *track_lines(model, outcome, benchmarks)]
    return lines


def track_lines(model: ModelInput, o: TrackOutcome, benchmarks: Mapping[str, Any]) -> list[str]:
    """One track's block."""
    lines = [f"{o.track} ({o.label}; ruler {o.ruler})"]
    if o.effective_params is None:
        lines.append(
            f"  no density: it needs {o.min_benchmarks} of its {len(o.benchmarks)} benchmarks, and "
            f"{o.n_benchmarks} gave an effective size"
        )
    else:
        bound = BOUND_WORDS.get(o.bound or "", "")
        if bound:
            side = "above" if o.bound == "at_least" else "below"
            lines.append(
                f"  effective size {bound} {params(o.effective_params)}, density {bound} {num(o.density)} "
                f"(a bound: a score lies {side} the ruler's reach; no interval)"
            )
        else:
            size = _interval(o.effective_params_low, o.effective_params_high, params)
            lines.append(
                f"  effective size {params(o.effective_params)}{size}; density {num(o.density)}"
                f"{_interval(o.density_low, o.density_high)}"
            )
        if model.params_active is not None:
            lines.append(
                f"  per active parameter: density {bound + ' ' if bound else ''}{num(o.density_active)}"
                f"{_interval(o.density_active_low, o.density_active_high)}"
            )
        if o.rank is not None:
            lines.append(
                f"  would rank {o.rank} of {o.n_citable + 1} citable readings"
                + (f" (per active parameter: {o.rank_active})" if model.params_active is not None else "")
            )
        else:
            lines.append("  not ranked: not a citable reading (see the flags)")
        if o.line is not None:
            line = o.line
            band = "" if line.band_low is None else f" (90% band {num(line.band_low)}–{num(line.band_high)})"
            ratio = f"{bound + ' ' if bound else ''}{num(line.ratio)}×"
            lines.append(
                f"  densing-law line on {line.date.isoformat()}: density {num(line.line_density)}{band}; "
                f"this reading is {ratio} the line, {POSITION_WORDS[line.position]}"
            )
    for flag in o.flags:
        lines.append(f"  flag {flag}: {FLAG_EXPLANATIONS.get(flag, 'no explanation recorded')}")
    lines.append(f"  benchmarks (it needs {o.min_benchmarks} of {len(o.benchmarks)}):")
    lines += [f"    {benchmark_line(b, model, benchmarks)}" for b in o.per_benchmark]
    return lines


def benchmark_line(b: BenchmarkOutcome, model: ModelInput, benchmarks: Mapping[str, Any]) -> str:
    """One benchmark of a track: the score read, its effective size, or why there is none."""
    name = benchmarks.get(b.benchmark, {}).get("name", b.benchmark)
    if b.entry is None:
        return f"{name}: no score this track can read"
    given = model.scores[b.entry]
    text = f"{name}: {given.value:g} ({setting_words(given)})"
    if b.status == "bridged":
        text += f", converted by the track's bridge to {b.score:.4g}"
    if b.status in REFUSED_WORDS and not b.used:
        return f"{text}: {REFUSED_WORDS[b.status]}"
    if "no_ruler" in b.flag:
        return f"{text}: the ruler could not be fitted on this benchmark"
    marks = [f for f in b.flag.split(";") if f and f != b.status]
    bound = "at most " if "below_ruler" in marks else "at least " if "above_ruler" in marks else ""
    return f"{text} -> N̂ {bound}{params(b.effective_params)}" + (f" [{', '.join(marks)}]" if marks else "")


def outcome_document(model: ModelInput, outcomes: Sequence[TrackOutcome], version: str) -> dict[str, Any]:
    """The JSON report (``--json``): the inputs, then every track's numbers as the fitter computed them."""
    return {
        "data_version": version,
        "interval": "90% interval (ruler and bridge uncertainty, back-tested extrapolation error)",
        "input": {
            "params_total": model.params_total,
            "params_active": model.params_active,
            "release_date": model.release_date.isoformat(),
            "kind": model.kind,
            "model": model.model_id,
            "scores": [s.spec() for s in model.scores],
        },
        "tracks": [_track_document(o) for o in outcomes],
    }


def _track_document(o: TrackOutcome) -> dict[str, Any]:
    data = dataclasses.asdict(o)
    data["bound"] = o.bound
    data["flag_explanations"] = {f: FLAG_EXPLANATIONS.get(f, "") for f in o.flags}
    if o.line is not None:
        data["line"]["date"] = o.line.date.isoformat()
    data["benchmarks"] = list(o.benchmarks)
    return data
