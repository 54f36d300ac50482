"""One pass of one track: select the scores of its protocol → read them on its ruler → aggregate
→ trend (bootstrap interval, frontier, before/after the cut). :func:`fit_track` returns a
:class:`TrackResult`; :mod:`densing_fit.pipeline` runs it for every track."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from densing_data.loader import Dataset
from densing_fit.options import FitOptions, track_d0_tokens
from densing_fit.reading.density import default_min_benchmarks, read_scores
from densing_fit.reading.table import densities_table
from densing_fit.reading.track_select import select_track_scores
from densing_fit.rulers.fitting import FittedRuler, benchmark_defaults
from densing_fit.tracks import Track
from densing_fit.trend.summary import trend_document

REFERENCE_MODEL = "reference_model"
"""Flag of a model that is one of the track's ruler's reference models."""


@dataclass(frozen=True)
class TrackResult:
    """Everything one track's pass computed."""

    track: Track
    """The track's definition."""
    benchmarks: tuple[str, ...]
    """The benchmarks aggregated."""
    min_benchmarks: int
    """Fewest benchmarks an aggregate needed."""
    per_benchmark: pd.DataFrame
    """One row per (model, benchmark) with a chosen score (see
    :func:`densing_fit.reading.density.read_scores`)."""
    densities: pd.DataFrame
    """One row per model (columns as densities.csv)."""
    trend: dict[str, Any]
    """The trend.json object."""
    ruler: dict[str, Any]
    """The ruler.json object, with the track's bridges under ``bridges``."""
    bridges: list[dict[str, Any]] = field(default_factory=list)
    """Summaries of the track's bridges (fitted or why not)."""
    fitted_ruler: FittedRuler | None = None
    """The fitted ruler the track read (its estimators: what the calculator export and
    :mod:`densing_fit.calculator` read new models with)."""

    def summary(self) -> dict[str, Any]:
        """The track's entry in tracks.json."""
        ci = self.trend.get("doubling_days_ci") or [None, None]
        sized = self.densities["effective_params"].notna()
        cut = self.trend["cut"]
        return {
            **self.track.describe(),
            "benchmarks": list(self.benchmarks),
            "min_benchmarks": self.min_benchmarks,
            "n_models": int(sized.sum()),
            "n_citable": int(self.densities["citable"].sum()),
            "n_trend": int(self.densities["in_trend"].sum()),
            "first_release": self.trend.get("first_release"),
            "doubling_days": self.trend.get("doubling_days"),
            "doubling_days_ci": list(ci),
            "r2": self.trend.get("r2"),
            "citable_only": {k: self.trend["citable_only"].get(k) for k in SIDE_KEYS},
            "before": _side(cut["before"]),
            "after": _side(cut["after"]),
            "cut_date": cut["date"],
            "error": self.trend.get("error"),
        }


SIDE_KEYS = (
    "n_models",
    "n_frontier",
    "first_release",
    "doubling_days",
    "doubling_days_ci",
    "slope_per_day",
    "slope_per_day_ci",
    "r2",
    "error",
)


def _side(fit: dict[str, Any] | None) -> dict[str, Any] | None:
    if fit is None:
        return None
    every = fit.get("all_models") or {}
    return {k: fit.get(k) for k in SIDE_KEYS} | {
        "all_models": {k: every.get(k) for k in SIDE_KEYS},
        "size_adjusted": fit.get("size_adjusted"),
    }


def _fall_back(
    strict: pd.DataFrame, per_strict: pd.DataFrame, lax: pd.DataFrame, per_lax: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows of ``lax`` (read with unstated scores) for the models ``strict`` gives no density; such
    rows carry ``protocol_unstated`` and are kept out of the trend; they are never citable (the flag
    blocks it), so the strict table's ranks stand."""
    fill = strict["effective_params"].isna() & lax["effective_params"].notna()
    if not fill.any():
        return strict, per_strict
    table = pd.concat([strict[~fill], lax[fill].assign(in_trend=False)]).sort_index()
    filled = set(table.loc[fill, "model"])
    per_bench = pd.concat(
        [per_strict[~per_strict["model"].isin(filled)], per_lax[per_lax["model"].isin(filled)]],
        ignore_index=True,
    )
    return table, per_bench


def mark_reference_models(densities: pd.DataFrame, members: frozenset[str]) -> pd.DataFrame:
    """Flag the ruler's own reference models ``reference_model`` and keep them out of the trend (their
    readings restate the curve they were fitted to); ``reference_eligible`` records whether they would
    have entered it, for the trend fitted with them (``with_reference_models`` in trend.json)."""
    out = densities.copy()
    member = out["model"].isin(members)
    out["reference_eligible"] = member & out["in_trend"].astype(bool)
    out.loc[member, "in_trend"] = False
    out.loc[member, "flags"] = [
        ";".join(sorted({*str(f or "").split(";"), REFERENCE_MODEL} - {""})) for f in out.loc[member, "flags"]
    ]
    return out


@dataclass(frozen=True)
class TrackReading:
    """Steps 1 to 3 of a track's pass on a set of models: their scores selected, read and aggregated."""

    benchmarks: tuple[str, ...]
    """The benchmarks aggregated."""
    min_benchmarks: int
    """Fewest benchmarks an aggregate needed."""
    per_benchmark: pd.DataFrame
    """One row per (model, benchmark) with a chosen score (see
    :func:`densing_fit.reading.density.read_scores`)."""
    densities: pd.DataFrame
    """One row per model of the data set (columns as densities.csv, without the trend's)."""
    bridges: list[dict[str, Any]]
    """Summaries of the track's bridges (fitted or why not)."""


def read_track(
    ds: Dataset,
    track: Track,
    ruler: FittedRuler,
    opts: FitOptions,
    fitted_bridges: Mapping[str, Mapping[str, Any]] | None = None,
) -> TrackReading:
    """Select the scores of ``track``'s protocol in ``ds``, read them on its fitted ``ruler`` and
    aggregate per model (with the track's unstated fallback, and its ruler's own models flagged).
    ``fitted_bridges`` (benchmark -> bridge summary of an earlier pass) converts with those lines
    instead of fitting the bridges on ``ds``: how one new model is read as the whole data set was."""
    bench_set = track.benchmark_set(ruler.benchmarks)
    minimum = opts.min_benchmarks or track.min_benchmarks or default_min_benchmarks(bench_set)
    settings = {b: ruler.settings[b] for b in ruler.benchmarks}
    standard = {b: d["setting"].cot for b, d in benchmark_defaults(ds).items()}
    chosen, bridges = select_track_scores(
        ds.scores, track, settings, opts.include_mismatched, standard, fitted_bridges
    )
    per_bench = read_scores(chosen, ruler)
    densities = densities_table(ds, per_bench, ruler.benchmarks, bench_set, minimum, track.id)
    if track.unstated_fallback and not track.allow_unstated:
        # second reading, with unstated scores, only of the models the stated ones left without a density
        lax = dataclasses.replace(track, allow_unstated=True)
        unread = ds.scores["model"].isin(densities.loc[densities["effective_params"].isna(), "model"])
        chosen_lax, _ = select_track_scores(
            ds.scores[unread], lax, settings, opts.include_mismatched, standard, fitted_bridges
        )
        per_lax = read_scores(chosen_lax, ruler)
        lax_table = densities_table(ds, per_lax, ruler.benchmarks, bench_set, minimum, track.id)
        densities, per_bench = _fall_back(densities, per_bench, lax_table, per_lax)
    densities = mark_reference_models(densities, ruler.members)
    return TrackReading(bench_set, minimum, per_bench, densities, bridges)


def fit_track(
    ds: Dataset,
    track: Track,
    ruler: FittedRuler,
    opts: FitOptions,
    baseline: tuple[str, frozenset[str]] | None = None,
) -> TrackResult:
    """Run ``track``'s pass on ``ds`` with its fitted ``ruler``; ``baseline`` (the previous data
    release's version and model ids) adds the trend without the models added since."""
    reading = read_track(ds, track, ruler, opts)
    densities = reading.densities
    track_opts = dataclasses.replace(opts, d0_tokens=track_d0_tokens(opts, track))
    trend, frontier = trend_document(
        densities, track_opts, ruler.ruler_id, ds.version, reading.benchmarks, track.id, baseline=baseline
    )
    densities["frontier"] = densities["model"].isin(frontier)
    densities["frontier_active"] = densities["model"].isin(trend["active_params"]["frontier"])
    return TrackResult(
        track=track,
        benchmarks=reading.benchmarks,
        min_benchmarks=reading.min_benchmarks,
        per_benchmark=reading.per_benchmark,
        densities=densities,
        trend=trend,
        ruler={**ruler.summary, "bridges": reading.bridges},
        bridges=reading.bridges,
        fitted_ruler=ruler,
    )
