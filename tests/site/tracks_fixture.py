"""Per-track fit outputs written by hand, following the tracks contract (TRACKS_CONTRACT, fit-outputs.md).

Given a fit directory holding the top-level files (from the real fitter or :mod:`fit_fixture`), adds
``tracks.json``, ``tracks/<id>/`` (densities with ``track``, ``rank`` and ``citable``, trend, ruler),
``densities_by_track.csv``, ``agreement.csv``/``agreement.json`` and ``flags.json``: the default
track is the top-level fit, a second track is a deterministic re-reading of a subset of its models
(densities scaled per model), so the site's track switch, agreement page and citable rule can be
tested before the fitter writes these files itself. Does nothing when ``tracks.json`` exists.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from densing_fit.reading.rank_range import rank_ranges
from densing_fit.trend.verdict import judge

DEFAULT_TRACK = "paper-settings"
SECOND_TRACK = "uniform-harness"
NOT_CITABLE = {"below_ruler", "above_ruler", "protocol_mismatch", "protocol_unstated", "not_base"}
FLAG_TEXTS = {
    "below_ruler": "A score is below the smallest reference model's: its effective size is an upper bound.",
    "above_ruler": "A score is above the largest reference model's: its effective size is a lower bound.",
    "protocol_mismatch": "A score was measured with other shots or prompting than the ruler: not used.",
    "protocol_unstated": "A score used does not state its shots or prompting, so its protocol may differ.",
    "missing_benchmarks": "Some of the ruler's benchmarks have no score for this model.",
    "too_few_benchmarks": "Too few benchmarks have a usable score to give a density.",
    "not_base": "Not a base model: tuning for chat changes scores, so it is not in the trend.",
    "no_ruler": "The ruler could not be fitted on this benchmark.",
}


def _factor(model: str) -> float:
    digest = hashlib.sha256(model.encode()).digest()
    return 0.6 + digest[0] / 255 * 0.8


def _flags(value: Any) -> set[str]:
    return {f for f in str(value if isinstance(value, str) else "").split(";") if f}


def _finish(frame: pd.DataFrame, track: str) -> pd.DataFrame:
    frame = frame.copy()
    frame["track"] = track
    density = pd.to_numeric(frame["density"], errors="coerce")
    low = pd.to_numeric(frame["density_low"], errors="coerce")
    citable = (
        (frame["kind"] == "base")
        & density.notna()
        & low.notna()
        & ~frame["flags"].map(lambda v: bool(_flags(v) & NOT_CITABLE))
    )
    frame["citable"] = citable.map(lambda c: "true" if c else "false")
    rank = density.where(citable).rank(ascending=False, method="min")
    frame["rank"] = rank.map(lambda r: "" if math.isnan(r) else str(int(r)))
    frame["rank_low"], frame["rank_high"] = "", ""
    ranked = rank.dropna().sort_values(kind="mergesort").index
    if len(ranked):
        high = pd.to_numeric(frame["density_high"], errors="coerce")
        ranges = rank_ranges(density[ranked].to_numpy(), low[ranked].to_numpy(), high[ranked].to_numpy())
        frame.loc[ranked, "rank_low"] = [str(v) for v in ranges.low]
        frame.loc[ranked, "rank_high"] = [str(v) for v in ranges.high]
    return frame


def _scaled_trend(trend: dict[str, Any], factor: float) -> dict[str, Any]:
    out = json.loads(json.dumps(trend))
    for point in out.get("line") or []:
        for key in ("density", "low", "high"):
            if point.get(key) is not None:
                point[key] *= factor
    if out.get("doubling_days"):
        out["doubling_days"] *= 1.1
        out["doubling_months"] = out["doubling_days"] / 30.44
    return out


def _second_track(fit_dir: Path, base: pd.DataFrame, trend: dict[str, Any], ruler: str) -> dict[str, Any]:
    """Write ``tracks/uniform-harness/``: a re-reading of two thirds of ``base``'s models (its verdict
    judged again, by the fitter's own rule, on the re-read densities)."""
    keep = [i for i, m in enumerate(base["model"]) if int(hashlib.sha256(m.encode()).hexdigest(), 16) % 3]
    second = base.iloc[keep].copy()
    for column in ("density", "density_low", "density_high"):
        second[column] = [
            "" if v == "" else f"{float(v) * _factor(m):.6g}"
            for v, m in zip(second[column], second["model"], strict=True)
        ]
    scaled = _scaled_trend(trend, 0.8)
    if "verdict" in scaled:
        scaled["verdict"] = _judged(second, scaled)
    return _write_track(
        fit_dir, SECOND_TRACK, "Uniform harness", _finish(second, SECOND_TRACK), scaled, ruler
    )


def _judged(frame: pd.DataFrame, trend: dict[str, Any]) -> dict[str, Any]:
    """The verdict of a re-read track (``densing_fit.trend.verdict.judge`` on its densities), as trend.json
    holds it (floats rounded as the fitter writes them)."""
    table = pd.DataFrame(
        {
            "model": frame["model"],
            "kind": frame["kind"],
            "flags": frame["flags"],
            "density": pd.to_numeric(frame["density"], errors="coerce"),
            "in_trend": frame["in_trend"].eq("true"),
            "release_date": pd.to_datetime(frame["release_date"]).dt.date,
        }
    )
    cut = dt.date.fromisoformat((trend.get("cut") or {}).get("date") or "2022-11-30")
    verdict = judge(table, cut_date=cut, n_resamples=200, confidence=0.9, seed=0)
    return json.loads(json.dumps(verdict, default=float))


def _write_track(
    fit_dir: Path, tid: str, label: str, frame: pd.DataFrame, trend: dict[str, Any], ruler: str
) -> dict[str, Any]:
    folder = fit_dir / "tracks" / tid
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_csv(folder / "densities.csv", index=False, lineterminator="\n")
    (folder / "trend.json").write_text(json.dumps(trend, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    (folder / "ruler.json").write_text(ruler, encoding="utf-8")
    days = trend.get("doubling_days")
    return {
        "id": tid,
        "label": label,
        "ruler": trend.get("ruler"),
        "protocol": f"{label}: one protocol per benchmark, as the ruler was measured",
        "benchmarks": trend.get("benchmarks") or [],
        "description": f"The {label.lower()} track (test fixture).",
        "n_models": int((frame["density"] != "").sum()),
        "n_trend": int((frame["in_trend"] == "true").sum()),
        "doubling_days": days,
        "doubling_days_ci": [days * 0.85, days * 1.2] if days else [None, None],
        "error": None,
        "frame": frame,
    }


def write_track_outputs(fit_dir: Path) -> Path:
    """Make ``fit_dir`` hold at least two tracks (see the module docstring); return ``fit_dir``.

    Without ``tracks.json`` (a fitter that predates tracks) both tracks are written here; with a
    ``tracks.json`` of one track (the real fitter on the synthetic records, which have one ruler) a
    second track is added to it, so the site's multi-track pages are always exercised."""
    fit_dir = Path(fit_dir)
    index_path = fit_dir / "tracks.json"
    index = json.loads(index_path.read_text(encoding="utf-8")) if index_path.is_file() else None
    if index and len(index["tracks"]) > 1:
        return fit_dir
    default = index["default"] if index else DEFAULT_TRACK
    folder = fit_dir / "tracks" / default if index else fit_dir
    base = pd.read_csv(folder / "densities.csv", dtype=str, keep_default_na=False)
    trend = json.loads((folder / "trend.json").read_text(encoding="utf-8"))
    ruler = (folder / "ruler.json").read_text(encoding="utf-8")
    if index:
        first = base
        entries = [t | {"frame": first} for t in index["tracks"]]
    else:
        first = _finish(base, DEFAULT_TRACK)
        entries = [_write_track(fit_dir, DEFAULT_TRACK, "Paper settings", first, trend, ruler)]
        index = {
            "default": DEFAULT_TRACK,
            "default_reason": "It reads the paper's five benchmarks under the paper's own settings.",
        }
    entries.append(_second_track(fit_dir, base, trend, ruler))
    second = entries[-1]["frame"]
    index["tracks"] = [{k: v for k, v in t.items() if k != "frame"} for t in entries]
    index_path.write_text(json.dumps(index, indent=2) + "\n", encoding="utf-8")
    columns = ["model", "track", "density", "density_low", "density_high", "effective_params"]
    columns += ["flags", "rank", "rank_low", "rank_high", "citable", "in_trend", "frontier"]
    long = pd.concat([first, second])[columns]
    long = long[long["density"] != ""].sort_values(["model", "track"])
    long.to_csv(fit_dir / "densities_by_track.csv", index=False, lineterminator="\n")
    shared = set(first.loc[first["density"] != "", "model"]) & set(
        second.loc[second["density"] != "", "model"]
    )
    pair = {
        "track_a": default,
        "track_b": SECOND_TRACK,
        "n_common": len(shared),
        "spearman_rho": 0.91,
        "median_density_ratio": 1.05,
        "sentence": "The two tracks rank the models they share much the same way (Spearman 0.91).",
    }
    with (fit_dir / "agreement.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(pair), lineterminator="\n")
        writer.writeheader()
        writer.writerow(pair)
    agreement = {
        "tracks": [
            {"id": t["id"], "doubling_days": t["doubling_days"], "doubling_days_ci": t["doubling_days_ci"]}
            for t in index["tracks"]
        ],
        "pairs": [pair],
    }
    (fit_dir / "agreement.json").write_text(json.dumps(agreement, indent=2) + "\n", encoding="utf-8")
    if not (fit_dir / "flags.json").is_file():
        text = json.dumps(FLAG_TEXTS, indent=2, sort_keys=True) + "\n"
        (fit_dir / "flags.json").write_text(text, encoding="utf-8")
    return fit_dir


def flag_texts(fit_dir: Path) -> dict[str, str]:
    """The flag explanations the site was given (the fitter's, or this fixture's)."""
    return json.loads((Path(fit_dir) / "flags.json").read_text(encoding="utf-8"))


def track_ids(fit_dir: Path) -> tuple[str, list[str]]:
    """The default track and the others, from tracks.json."""
    index = json.loads((Path(fit_dir) / "tracks.json").read_text(encoding="utf-8"))
    return index["default"], [t["id"] for t in index["tracks"] if t["id"] != index["default"]]
