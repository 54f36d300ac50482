"""Fit outputs written by hand for the synthetic records, following ``docs/dev/fit-outputs.md``.

Not a fitter: effective sizes come from inverting the *known* synthetic ruler curves, the trend from
a least-squares line through the frontier, the intervals from fixed widths. It lets the generator be
tested against the contract independently of :mod:`densing_fit`.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from densing_data import Dataset
from densing_fit.outputs import FIXED_COLUMNS
from densing_fit.summaries.compression import COMPRESSION_COLUMNS
from tests.site.synthetic import BENCHMARKS, EPOCH, RULER_ID


def _inverse(bench: str, score: float) -> tuple[float | None, str]:
    floor, top, slope, mid = BENCHMARKS[bench]
    if score <= floor:
        return None, "below_ruler"
    if score >= top:
        return None, "above_ruler"
    return math.exp(mid - math.log((top - floor) / (score - floor) - 1.0) / slope), ""


def _density_rows(ds: Dataset) -> list[dict[str, Any]]:
    rows = []
    scores = ds.scores.set_index(["model", "benchmark"])
    for model in ds.models.sort_values("id").itertuples():
        row: dict[str, Any] = {
            "model": model.id,
            "name": model.name,
            "family": model.family,
            "organization": model.organization,
            "kind": model.kind,
            "hf_repo": "" if pd.isna(model.hf_repo) else model.hf_repo,
            "release_date": model.release_date.strftime("%Y-%m-%d"),
            "params_total": model.params_total,
            "params_active": "" if pd.isna(model.params_active) else model.params_active,
            "params": model.params_total,
        }
        estimates, flags = [], set()
        for bench in BENCHMARKS:
            key = (model.id, bench)
            if key not in scores.index:
                row |= {
                    f"{bench}_score": "",
                    f"{bench}_score_id": "",
                    f"{bench}_effective_params": "",
                    f"{bench}_flag": "",
                }
                flags.add("missing_benchmarks")
                continue
            record = scores.loc[key]
            n_hat, flag = _inverse(bench, float(record["value"]))
            if flag:
                flags.add(flag)
            else:
                estimates.append(n_hat)
            row |= {
                f"{bench}_score": f"{record['value']:.6g}",
                f"{bench}_score_id": record["id"],
                f"{bench}_effective_params": "" if n_hat is None else f"{n_hat:.6g}",
                f"{bench}_flag": flag,
            }
        if model.kind != "base":
            flags.add("not_base")
        n_hat = float(np.exp(np.mean(np.log(estimates)))) if estimates else None
        density = None if n_hat is None else n_hat / model.params_total
        row |= {
            "effective_params": _g(n_hat),
            "effective_params_low": _g(n_hat and n_hat * 0.8),
            "effective_params_high": _g(n_hat and n_hat * 1.25),
            "density": _g(density),
            "density_low": _g(density and density * 0.8),
            "density_high": _g(density and density * 1.25),
            "n_benchmarks": len(estimates),
            "flags": ";".join(sorted(flags)),
            "in_trend": model.kind == "base" and density is not None,
        }
        rows.append(row)
    _mark_frontier(rows)
    return rows


def _g(value: float | None) -> str:
    return "" if value is None else f"{value:.6g}"


def _mark_frontier(rows: list[dict[str, Any]]) -> None:
    best = 0.0
    for row in sorted(rows, key=lambda r: (r["release_date"], r["model"])):
        row["frontier"] = False
        if row["in_trend"] and float(row["density"]) > best:
            best = float(row["density"])
            row["frontier"] = True


def _line_fit(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    frontier = [r for r in rows if r["frontier"]]
    if len(frontier) < 3:
        return None
    days = np.array([(pd.Timestamp(r["release_date"]).date() - EPOCH).days for r in frontier], float)
    ln_rho = np.log([float(r["density"]) for r in frontier])
    slope, intercept = np.polyfit(days, ln_rho, 1)
    doubling = math.log(2) / slope
    fitted = slope * days + intercept
    r2 = 1 - np.sum((ln_rho - fitted) ** 2) / np.sum((ln_rho - ln_rho.mean()) ** 2)
    return {
        "slope_per_day": slope,
        "intercept": intercept,
        "t0": EPOCH.isoformat(),
        "doubling_days": doubling,
        "doubling_days_ci": [doubling * 0.85, doubling * 1.2],
        "doubling_months": doubling / 30.44,
        "doubling_months_ci": [doubling * 0.85 / 30.44, doubling * 1.2 / 30.44],
        "r2": float(r2),
        "n_models": sum(1 for r in rows if r["in_trend"]),
        "n_frontier": len(frontier),
        "frontier": [r["model"] for r in frontier],
    }


def _trend(rows: list[dict[str, Any]], version: str) -> dict[str, Any]:
    fit = _line_fit(rows) or {}
    line = []
    if fit:
        for month in range(0, 48, 3):
            day = (pd.Timestamp("2022-03-01") + pd.DateOffset(months=month)).date()
            value = math.exp(fit["slope_per_day"] * (day - EPOCH).days + fit["intercept"])
            line.append({"date": day.isoformat(), "density": value, "low": value / 1.5, "high": value * 1.5})
    before = _line_fit([r for r in rows if r["release_date"] < "2022-11-30"])
    after = _line_fit([r for r in rows if r["release_date"] >= "2022-11-30"])
    return {
        "ruler": RULER_ID,
        "data_version": version,
        "benchmarks": list(BENCHMARKS),
        "bootstrap": {"n_resamples": 1000, "seed": 0, "confidence": 0.9},
        "cut": {"date": "2022-11-30", "before": before, "after": after},
        "line": line,
    } | fit


def _ruler(ds: Dataset) -> dict[str, Any]:
    benchmarks = {}
    ref = ds.models[ds.models["family"] == "Ref"].set_index("id")
    for bench, (floor, top, slope, mid) in BENCHMARKS.items():
        pts = ds.scores[(ds.scores["benchmark"] == bench) & ds.scores["model"].isin(ref.index)]
        points = [
            {
                "label": r.model,
                "params": int(ref.loc[r.model, "params_total"]),
                "tokens": None,
                "loss": None,
                "score": float(r.value),
                "fitted": floor
                + (top - floor) / (1 + math.exp(-slope * (math.log(ref.loc[r.model, "params_total"]) - mid))),
            }
            for r in pts.itertuples()
        ]
        curve = [
            {"params": n, "score": floor + (top - floor) / (1 + math.exp(-slope * (math.log(n) - mid)))}
            for n in np.geomspace(1e8, 1e11, 25)
        ]
        benchmarks[bench] = {
            "params": {"floor": floor, "top": top, "slope": slope, "mid": mid},
            "stderr": {"top": 0.5, "slope": 0.02, "mid": 0.05},
            "r2": 0.999,
            "rmse": 0.3,
            "n_points": len(points),
            "points": points,
            "curve": curve,
            "formula": "S = floor + (top - floor) / (1 + exp(-slope * (ln N - mid)))",
        }
    return {
        "ruler": RULER_ID,
        "kind": "direct",
        "name": "Synthetic direct ruler",
        "description": "Reference family Ref.",
        "d0_tokens": 1e12,
        "benchmarks": benchmarks,
    }


def _write_csv(path: Path, rows: list[dict[str, Any]], columns: list[str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {k: ("true" if v is True else "false" if v is False else v) for k, v in row.items()}
            )


def write_fixture_fit_outputs(ds: Dataset, out: Path) -> Path:
    """Write every file of the contract for ``ds`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    rows = _density_rows(ds)
    bench_cols = [f"{b}_{s}" for b in BENCHMARKS for s in ("score", "score_id", "effective_params", "flag")]
    columns = [*FIXED_COLUMNS, *bench_cols]
    _write_csv(out / "densities.csv", rows, columns)
    trend = _trend(rows, ds.version)
    ruler = _ruler(ds)
    for name, data in (("trend.json", trend), ("ruler.json", ruler), ("rulers.json", {RULER_ID: ruler})):
        (out / name).write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    sens = [
        {
            "ruler": RULER_ID,
            "benchmark_set": b,
            "doubling_days": f"{trend.get('doubling_days', 0):.6g}",
            "ci_low": "",
            "ci_high": "",
            "n_models": trend.get("n_models", ""),
            "n_frontier": trend.get("n_frontier", ""),
            "r2": "",
            "note": "fixture",
        }
        for b in [*BENCHMARKS, "all"]
    ]
    _write_csv(out / "sensitivity.csv", sens, list(sens[0]))
    by_id = {r["model"]: r for r in rows}
    comp = []
    for m in ds.models.dropna(subset=["derived_from_model"]).sort_values("id").itertuples():
        child, parent = by_id[m.id], by_id[m.derived_from_model]
        ratio = (
            float(child["density"]) / float(parent["density"])
            if child["density"] and parent["density"]
            else ""
        )
        comp.append(
            {
                "model": m.id,
                "name": m.name,
                "parent": parent["model"],
                "parent_name": parent["name"],
                "method": m.derived_from_method,
                "params": child["params"],
                "parent_params": parent["params"],
                "density": child["density"],
                "parent_density": parent["density"],
                "density_ratio": _g(ratio or None),
            }
        )
    _write_csv(
        out / "compression.csv",
        comp,
        COMPRESSION_COLUMNS,
    )
    return out
