"""Rulers fitted from the records: one estimator per benchmark, with its setting and a summary.

A *direct* ruler is fitted on the score records of its family (``fitted_from_scores``: one protocol,
a list of models); a *two-step* ruler on the reference records that name it. Reference records
whose ``notes`` say "held-out" are kept out of the fit and predicted instead, to show how well the
ruler extrapolates. A benchmark whose fit is impossible is reported with the reason, never dropped
silently.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from densing_data.loader import Dataset
from densing_fit.errors import FitError
from densing_fit.reading.selection import Setting, family_setting, select_scores
from densing_fit.rulers.backtest import backtest_direct, backtest_held_out, extrapolation_error
from densing_fit.rulers.chain import ChainedRuler
from densing_fit.rulers.direct import FORMULA as DIRECT_FORMULA
from densing_fit.rulers.direct import DirectRuler
from densing_fit.rulers.ruler_cache import cached_fit_ruler
from densing_fit.rulers.two_step import LOSS_FORMULA, SCORE_FORMULA, TwoStepRuler

HELD_OUT = re.compile(r"held[- ]?out", re.IGNORECASE)
"""Reference records whose notes match this are held-out targets, not fitted."""

Ruler = DirectRuler | TwoStepRuler | ChainedRuler

RUNG_MIN_SPAN = 10.0
"""Smallest size span of a chained rung's family: its units come from the base rung, so one order of
magnitude is enough (the ruler's own family needs two)."""


@dataclass(frozen=True)
class FittedRuler:
    """A ruler fitted on every benchmark it can be."""

    ruler_id: str
    """Ruler record id."""
    kind: str
    """``"direct"`` or ``"two-step"``."""
    benchmarks: tuple[str, ...]
    """The ruler's benchmarks, in record order."""
    estimators: Mapping[str, Ruler]
    """Benchmark id -> fitted estimator (benchmarks that could be fitted)."""
    settings: Mapping[str, Setting]
    """Benchmark id -> the setting the ruler's scores were measured under."""
    errors: Mapping[str, str] = field(default_factory=dict)
    """Benchmark id -> why the ruler could not be fitted on it."""
    summary: Mapping[str, Any] = field(default_factory=dict)
    """The ``ruler.json`` object (see docs/dev/fit-outputs.md)."""
    members: frozenset[str] = frozenset()
    """Model ids of the ruler's reference families (its own and its chained rungs')."""


def benchmark_defaults(ds: Dataset) -> dict[str, dict[str, Any]]:
    """Benchmark id -> floor, maximum, name and default setting."""
    out = {}
    for row in ds.benchmarks.itertuples(index=False):
        out[str(row.id)] = {
            "floor": float(row.floor),
            "maximum": float(row.maximum),
            "name": str(row.name),
            "setting": Setting(
                shots=None if pd.isna(row.default_shots) else int(row.default_shots),
                cot=None if pd.isna(row.default_cot) else bool(row.default_cot),
            ),
        }
    return out


def fit_ruler(ds: Dataset, ruler_id: str, *, d0_tokens: float = 1e12) -> FittedRuler:
    """Fit ruler ``ruler_id`` of ``ds`` on each of its benchmarks, or reuse the ruler fitted before on
    the same records (:mod:`densing_fit.rulers.ruler_cache`)."""
    if not (ds.rulers["id"] == ruler_id).any():
        known = ", ".join(sorted(ds.rulers["id"].astype(str))) or "none"
        raise FitError(f"unknown ruler {ruler_id!r}; the records define: {known}")
    return cached_fit_ruler(_fit_ruler, ds, ruler_id, float(d0_tokens))


def _fit_ruler(ds: Dataset, ruler_id: str, d0_tokens: float) -> FittedRuler:
    record = ds.rulers[ds.rulers["id"] == ruler_id].iloc[0]
    benchmarks = tuple(str(b) for b in record["benchmarks"])
    defaults = benchmark_defaults(ds)
    estimators: dict[str, Ruler] = {}
    settings: dict[str, Setting] = {}
    errors: dict[str, str] = {}
    parts: dict[str, dict[str, Any]] = {}
    for bench in benchmarks:
        fit_one = _fit_direct if record["kind"] == "direct" else _fit_two_step
        try:
            estimator, setting, part = fit_one(ds, record, bench, defaults[bench], d0_tokens)
        except FitError as err:
            errors[bench] = str(err)
            settings[bench] = defaults[bench]["setting"]
            parts[bench] = {"error": str(err)}
            continue
        estimators[bench], settings[bench], parts[bench] = estimator, setting, part
    backtest = _calibrate_extrapolation(estimators, parts, defaults)
    rungs = _chain(ds, record)
    if rungs:
        estimators = _link_rungs(ds, record, rungs, estimators, parts, errors, defaults)
    summary = {
        "ruler": ruler_id,
        "kind": str(record["kind"]),
        "name": str(record["name"]),
        "description": str(record["description"]),
        "default": bool(record["default"]),
        "d0_tokens": float(d0_tokens) if record["kind"] == "two-step" else None,
        "source_url": None if pd.isna(record["source_url"]) else str(record["source_url"]),
        "benchmarks": parts,
        "benchmark_order": list(benchmarks),
        "backtest": backtest,
        "chain": [{k: rung[k] for k in ("protocol", "models", "description")} for rung in rungs],
    }
    members = frozenset(
        [str(m) for m in (record["fitted_from_scores_models"] if record["kind"] == "direct" else [])]
        + [str(m) for rung in rungs for m in rung["models"]]
    )
    return FittedRuler(
        ruler_id, str(record["kind"]), benchmarks, estimators, settings, errors, summary, members
    )


def _fit_direct(
    ds: Dataset, record: pd.Series, bench: str, info: dict[str, Any], d0_tokens: float
) -> tuple[Ruler, Setting, dict[str, Any]]:
    protocol = str(record["fitted_from_scores_protocol"])
    family = [str(m) for m in record["fitted_from_scores_models"]]
    name = f"direct ruler {record['id']!r} on {bench}"
    return _fit_family(ds, protocol, family, bench, info, name)


def _fit_family(
    ds: Dataset,
    protocol: str,
    family: list[str],
    bench: str,
    info: dict[str, Any],
    name: str,
    min_span: float = 100.0,
) -> tuple[DirectRuler, Setting, dict[str, Any]]:
    """A direct ruler on ``family``'s scores under ``protocol`` on ``bench``, its setting and its
    ruler.json part (mixtures of experts left out and listed)."""
    scores = ds.scores[ds.scores["model"].isin(family) & (ds.scores["protocol"] == protocol)]
    base = info["setting"]
    chosen = select_scores(scores, {bench: Setting(base.shots, base.cot, protocol)})
    models = ds.models.set_index("id")
    excluded = [
        {"model": m, "reason": f"no {bench} score under protocol {protocol!r}"}
        for m in family
        if m not in set(chosen["model"])
    ]
    sizes, keep = [], []
    for position, model in enumerate(chosen["model"]):
        total, active = models.at[model, "params_total"], models.at[model, "params_active"]
        if not pd.isna(active) and int(active) < int(total):
            excluded.append({"model": model, "reason": "mixture of experts: total and active sizes differ"})
            continue
        sizes.append(float(total))
        keep.append(position)
    used = chosen.iloc[keep].assign(params=sizes).sort_values(["params", "model"], kind="mergesort")
    sizes = used["params"].tolist()
    estimator = DirectRuler(floor=info["floor"], maximum=info["maximum"], min_span=min_span, name=name)
    estimator.fit(np.array(sizes), used["value"].to_numpy(dtype=float))
    points = [
        {"label": m, "score_id": sid, "params": n, "tokens": None, "loss": None, "score": s, "fitted": f}
        for m, sid, n, s, f in zip(
            used["model"], used["score_id"], sizes, used["value"], estimator.fitted_, strict=True
        )
    ]
    part = {
        **_quality(estimator),
        "formula": DIRECT_FORMULA,
        "floor": info["floor"],
        "maximum": info["maximum"],
        "points": points,
        "curve": estimator.curve(),
        "excluded": excluded,
    }
    setting = family_setting(used, protocol, base)
    part["setting"] = setting.as_dict()
    return estimator, setting, part


def _quality(estimator: Any) -> dict[str, Any]:
    return {
        "params": dict(estimator.params_),
        "stderr": dict(estimator.stderr_),
        "r2": estimator.r2_,
        "rmse": estimator.rmse_,
        "n_points": estimator.n_points_,
        "reach": list(estimator.reach_),
    }


def reference_frame(ds: Dataset, ruler_id: str, bench: str) -> pd.DataFrame:
    """The reference points of a two-step ruler on ``bench``: label, N, D, loss, score, final, held-out."""
    refs = ds.references[(ds.references["ruler"] == ruler_id) & (ds.references["benchmark"] == bench)]
    if refs.empty:
        raise FitError(f"two-step ruler {ruler_id!r} has no reference records on {bench}")
    checkpoint = refs["reference_model_checkpoint"].astype(object)
    names = refs["reference_model_name"].astype(str)
    frame = pd.DataFrame(
        {
            "label": [n if pd.isna(c) else f"{n} {c}" for n, c in zip(names, checkpoint, strict=True)],
            "params": refs["reference_model_params"].astype(float).to_numpy(),
            "tokens": refs["reference_model_training_tokens"].astype(float).to_numpy(),
            "loss": refs["loss"].astype(float).to_numpy(),
            "score": refs["score"].astype(float).to_numpy(),
            "final": refs["reference_model_final"].astype(bool).to_numpy(),
            "shots": refs["shots"].astype(object).to_numpy(),
            "held_out": [bool(HELD_OUT.search(str(n))) if not pd.isna(n) else False for n in refs["notes"]],
            "id": refs["id"].astype(str).to_numpy(),
        }
    )
    return frame.sort_values(["params", "tokens", "id"], kind="mergesort").reset_index(drop=True)


def _fit_two_step(
    ds: Dataset, record: pd.Series, bench: str, info: dict[str, Any], d0_tokens: float
) -> tuple[Ruler, Setting, dict[str, Any]]:
    refs = reference_frame(ds, str(record["id"]), bench)
    fit_on = refs[~refs["held_out"]]
    name = f"two-step ruler {record['id']!r} on {bench}"
    estimator = TwoStepRuler(floor=info["floor"], maximum=info["maximum"], d0_tokens=d0_tokens, name=name)
    estimator.fit(fit_on["params"], fit_on["tokens"], fit_on["loss"], fit_on["score"], fit_on["final"])
    shots = [int(s) for s in refs["shots"] if not pd.isna(s)]
    setting = Setting(
        shots=max(set(shots), key=shots.count) if shots else info["setting"].shots, cot=info["setting"].cot
    )
    part = {
        **_quality(estimator),
        "formula": f"{LOSS_FORMULA}; {SCORE_FORMULA}",
        "floor": info["floor"],
        "maximum": info["maximum"],
        "d0_tokens": float(d0_tokens),
        "setting": setting.as_dict(),
        "steps": {
            "loss": _step(estimator.loss_law_, LOSS_FORMULA, "ln L"),
            "score": _step(estimator.score_curve_, SCORE_FORMULA, "S"),
        },
        "points": _final_points(estimator, fit_on),
        "score_points": _score_points(estimator, fit_on),
        "curve": estimator.curve(),
        "held_out": _held_out(estimator, refs[refs["held_out"]]),
    }
    return estimator, setting, part


def _step(step: Any, formula: str, space: str) -> dict[str, Any]:
    return {
        "params": dict(step.params_),
        "stderr": dict(step.stderr_),
        "r2": step.r2_,
        "rmse": step.rmse_,
        "n_points": step.n_points_,
        "formula": formula,
        "fitted_in": space,
    }


def _final_points(estimator: TwoStepRuler, refs: pd.DataFrame) -> list[dict[str, Any]]:
    final = refs[refs["final"] & refs["loss"].notna()]
    fitted_loss = estimator.loss_law_.predict(final["params"], final["tokens"])
    fitted_score = estimator.score_curve_.predict(fitted_loss)
    return [
        {"label": lab, "params": n, "tokens": d, "loss": loss, "score": s, "fitted": fs, "fitted_loss": fl}
        for lab, n, d, loss, s, fs, fl in zip(
            final["label"],
            final["params"],
            final["tokens"],
            final["loss"],
            final["score"],
            fitted_score,
            fitted_loss,
            strict=True,
        )
    ]


def _score_points(estimator: TwoStepRuler, refs: pd.DataFrame) -> list[dict[str, Any]]:
    pairs = refs[refs["loss"].notna() & refs["score"].notna()]
    fitted = estimator.score_curve_.predict(pairs["loss"])
    return [
        {"label": lab, "loss": loss, "score": s, "final": bool(fin), "fitted": f}
        for lab, loss, s, fin, f in zip(
            pairs["label"], pairs["loss"], pairs["score"], pairs["final"], fitted, strict=True
        )
    ]


def _held_out(estimator: TwoStepRuler, refs: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for row in refs.itertuples(index=False):
        predicted_loss = float(estimator.loss_law_.predict(row.params, row.tokens))
        entry: dict[str, Any] = {
            "label": row.label,
            "params": row.params,
            "tokens": row.tokens,
            "final": bool(row.final),
            "actual": row.score,
            "predicted": float(estimator.score_curve_.predict(predicted_loss)),
            "actual_loss": row.loss,
            "predicted_loss": predicted_loss,
            "predicted_from_loss": None
            if np.isnan(row.loss)
            else float(estimator.score_curve_.predict(row.loss)),
        }
        if not np.isnan(row.score):
            size = estimator.effective_params(row.score)
            entry |= {"effective_params": size.value, "effective_params_flag": size.flag}
        out.append(entry)
    return out


def _calibrate_extrapolation(
    estimators: Mapping[str, Ruler], parts: Mapping[str, dict[str, Any]], defaults: Mapping[str, Any]
) -> dict[str, Any]:
    """Back-test the fitted benchmarks (:mod:`densing_fit.rulers.backtest`), give every estimator the
    pooled extrapolation error, and return the ruler.json ``backtest`` object."""
    points = []
    for bench, estimator in estimators.items():
        part = parts[bench]
        if isinstance(estimator, DirectRuler):
            members = [p["label"] for p in part["points"]]
            sizes = [p["params"] for p in part["points"]]
            scores = [p["score"] for p in part["points"]]
            info = defaults[bench]
            points += backtest_direct(
                bench, members, sizes, scores, floor=info["floor"], maximum=info["maximum"]
            )
        else:
            targets = [
                (h["label"], h["params"], h["tokens"], h["actual"])
                for h in part.get("held_out", [])
                if h["final"] and h["actual"] is not None and np.isfinite(h["actual"])
            ]
            points += backtest_held_out(bench, estimator, targets)
    error = extrapolation_error(points)
    for estimator in estimators.values():
        estimator.set_extrapolation_error(error.kappa)
    return error.as_dict()


def _chain(ds: Dataset, record: pd.Series) -> list[dict[str, Any]]:
    """The ruler record's chain rungs (empty for a ruler without one)."""
    chain = record.get("chain") if "chain" in record.index else None
    if chain is None or (isinstance(chain, float) and np.isnan(chain)):
        return []
    return [dict(rung) for rung in chain]


def _link_rungs(
    ds: Dataset,
    record: pd.Series,
    rungs: list[dict[str, Any]],
    estimators: dict[str, Ruler],
    parts: dict[str, dict[str, Any]],
    errors: dict[str, str],
    defaults: Mapping[str, Any],
) -> dict[str, Ruler]:
    """Chain each rung onto the ruler, benchmark by benchmark
    (:class:`~densing_fit.rulers.chain.ChainedRuler`).
    A rung's extrapolation error is back-tested over all its benchmarks together, as the ruler's is;
    a benchmark whose rung cannot be fitted or linked keeps the ruler below it and says why."""
    current: dict[str, Ruler] = dict(estimators)
    for bench in estimators:
        parts[bench]["chain"] = []
    for position, rung in enumerate(rungs, start=1):
        uppers: dict[str, Ruler] = {}
        rung_parts: dict[str, dict[str, Any]] = {}
        family = [str(m) for m in rung["models"]]
        for bench in current:
            name = f"rung {position} ({rung['protocol']}) of ruler {record['id']!r} on {bench}"
            try:
                uppers[bench], _, rung_parts[bench] = _fit_family(
                    ds, str(rung["protocol"]), family, bench, defaults[bench], name, RUNG_MIN_SPAN
                )
            except FitError as err:
                parts[bench]["chain"].append({"protocol": rung["protocol"], "error": str(err)})
        backtest = _calibrate_extrapolation(uppers, rung_parts, defaults)
        for bench, upper in uppers.items():
            part = rung_parts[bench]
            used = [p["label"] for p in part["points"]], [p["params"] for p in part["points"]]
            scores = [p["score"] for p in part["points"]]
            try:
                chained = ChainedRuler(name=f"rung {position} of {record['id']!r} on {bench}").fit(
                    current[bench], upper, used[0], used[1], scores
                )
            except FitError as err:
                parts[bench]["chain"].append({"protocol": rung["protocol"], "error": str(err)})
                continue
            part |= {"backtest": backtest, "link": chained.link_summary()}
            parts[bench]["chain"].append({"protocol": rung["protocol"], **part})
            current[bench] = chained
            parts[bench]["curve"] = chained.curve()
            parts[bench]["reach"] = list(chained.reach_)
    return current
