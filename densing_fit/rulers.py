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
from densing_fit.direct import FORMULA as DIRECT_FORMULA
from densing_fit.direct import DirectRuler
from densing_fit.errors import FitError
from densing_fit.selection import Setting, family_setting, select_scores
from densing_fit.two_step import LOSS_FORMULA, SCORE_FORMULA, TwoStepRuler

HELD_OUT = re.compile(r"held[- ]?out", re.IGNORECASE)
"""Reference records whose notes match this are held-out targets, not fitted."""

Ruler = DirectRuler | TwoStepRuler


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
    """Fit ruler ``ruler_id`` of ``ds`` on each of its benchmarks."""
    rows = ds.rulers[ds.rulers["id"] == ruler_id]
    if rows.empty:
        known = ", ".join(sorted(ds.rulers["id"].astype(str))) or "none"
        raise FitError(f"unknown ruler {ruler_id!r}; the records define: {known}")
    record = rows.iloc[0]
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
    }
    return FittedRuler(ruler_id, str(record["kind"]), benchmarks, estimators, settings, errors, summary)


def _fit_direct(
    ds: Dataset, record: pd.Series, bench: str, info: dict[str, Any], d0_tokens: float
) -> tuple[Ruler, Setting, dict[str, Any]]:
    protocol = str(record["fitted_from_scores_protocol"])
    family = [str(m) for m in record["fitted_from_scores_models"]]
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
    name = f"direct ruler {record['id']!r} on {bench}"
    estimator = DirectRuler(floor=info["floor"], maximum=info["maximum"], name=name)
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
