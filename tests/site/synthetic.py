"""Synthetic records with known densities, written through the store, for site tests and benchmarks.

A reference family ("Ref", density 1) defines a direct ruler on three benchmarks whose scores follow
``S = floor + (top - floor) * expit(slope * (ln N - mid))``. Every other model gets a density that
doubles every ``DOUBLING_MONTHS`` months (with noise) and scores read off the same curves at its
effective size. Some models are MoE, instruct or compressed children, some read only as bounds (a
score above the ruler's top or below its floor); one model and one score are corrected, one score
retracted; ``hostile=True`` adds a model whose text tries to inject markup.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import numpy as np

from densing_data.store import append_records

PROTOCOL = "synth-harness"
RULER_ID = "synth-direct"
BENCHMARKS = {  # id -> (floor, top, slope, mid = ln N at half height)
    "mmlu": (25.0, 90.0, 1.1, math.log(6e9)),
    "arc-c": (25.0, 92.0, 0.9, math.log(2e9)),
    "hellaswag": (25.0, 95.0, 1.0, math.log(0.8e9)),
}
REFERENCE_SIZES = (0.1e9, 0.3e9, 1e9, 3e9, 10e9, 30e9, 70e9)
DOUBLING_MONTHS = 6.0
EPOCH = dt.date(2023, 1, 1)
SOURCE = {"url": "https://example.org/synthetic", "locator": "Table 1"}
RECORDED = dt.date(2026, 11, 1)

HOSTILE_ID = "hostile-1b"
HOSTILE_NAME = "<img src=x onerror=alert(1)>"
HOSTILE_NOTE = "<script>alert('note')</script> [click](javascript:alert(2)) **bold** <b>x</b>"
HOSTILE_URL = "https://example.com/x?'onmouseover='alert(3)"


def _score(bench: str, n_eff: float) -> float:
    floor, top, slope, mid = BENCHMARKS[bench]
    return floor + (top - floor) / (1.0 + math.exp(-slope * (math.log(n_eff) - mid)))


def _model(model_id: str, name: str, family: str, date: dt.date, params: int, **extra: Any) -> dict:
    return {
        "id": model_id,
        "name": name,
        "family": family,
        "organization": f"{family} Lab",
        "release_date": date,
        "params_total": int(params),
        "kind": "base",
        "sources": {"release_date": SOURCE},
    } | extra


def _score_record(model_id: str, bench: str, value: float, **extra: Any) -> dict:
    return {
        "id": f"{model_id}.{bench}",
        "model": model_id,
        "benchmark": bench,
        "value": float(round(min(max(value, 0.0), 100.0), 2)),
        "shots": 5,
        "cot": False,
        "metric": "acc",
        "protocol": PROTOCOL,
        "source": SOURCE,
        "provenance": {"kind": "third_party", "by": "Synthetic harness"},
        "recorded": dt.date.fromordinal(RECORDED.toordinal()),  # a fresh object: the YAML dumper
        # would write a shared date object as an anchor, which the store refuses
    } | extra


def synthetic_records(n_models: int, *, seed: int = 0, hostile: bool = False) -> dict[str, list[dict]]:
    """Records of ``n_models`` models (at least the reference family), by kind, in append order."""
    rng = np.random.default_rng(seed)
    models: list[dict] = []
    scores: list[dict] = []
    for i, size in enumerate(REFERENCE_SIZES):
        mid = f"ref-{size / 1e9:g}b".replace(".", "p")
        models.append(_model(mid, f"Ref-{size / 1e9:g}B", "Ref", dt.date(2023, 1, 1 + i), int(size)))
        scores += [_score_record(mid, b, _score(b, size) + rng.normal(0, 0.3)) for b in BENCHMARKS]
    per_month = math.log(2.0) / DOUBLING_MONTHS
    for i in range(max(0, n_models - len(REFERENCE_SIZES) - int(hostile))):
        family = f"Fam{i // 4:03d}"
        date = dt.date(2022, 3, 1) + dt.timedelta(days=int(rng.integers(0, 1200)))
        params = float(np.exp(rng.uniform(math.log(0.3e9), math.log(80e9))))
        extra: dict[str, Any] = {}
        if i % 20 == 9:  # a pruned child of the previous model (same family), smaller and later
            parent = models[-1]
            params = parent["params_total"] * 0.6
            date = parent["release_date"] + dt.timedelta(days=60)
            extra |= {"kind": "pruned", "derived_from": {"model": parent["id"], "method": "pruning"}}
        months = (date - EPOCH).days / 30.44
        density = math.exp(per_month * months + rng.normal(0.0, 0.35))
        model_id = f"fam{i // 4:03d}-{i % 4}-{params / 1e9:.1f}b".replace(".", "p")
        if i % 10 == 3:
            extra["params_active"] = int(params / 4)
        if i % 10 == 7:
            extra["kind"] = "instruct"
        models.append(_model(model_id, f"{family}-{params / 1e9:.1f}B", family, date, int(params), **extra))
        values = {b: _score(b, density * params) + rng.normal(0, 0.5) for b in BENCHMARKS}
        if i % 10 == 5:  # a score above the ruler's reach: its effective size is only a lower bound
            values["hellaswag"] = 99.5
        if i % 20 == 15:  # on the benchmark the density is read from too
            values["mmlu"] = 97.0
        if i % 10 == 1:  # a score below the ruler's floor: only an upper bound
            values["mmlu"] = 20.0
        scores += [_score_record(model_id, b, v) for b, v in values.items()]
    if hostile:
        models.append(_hostile_model())
        scores.append(
            _score_record(
                HOSTILE_ID,
                "mmlu",
                55.0,
                notes=HOSTILE_NOTE,
                source={"url": HOSTILE_URL, "locator": HOSTILE_NOTE[:100]},
            )
        )
    return {
        "benchmark": [_benchmark(b) for b in BENCHMARKS],
        "model": models,
        "score": scores,
        "ruler": [_ruler()],
    }


def _hostile_model() -> dict:
    return _model(
        HOSTILE_ID,
        HOSTILE_NAME,
        "<script>alert('family')</script>",
        dt.date(2024, 6, 1),
        10**9,
        organization='"><svg onload=alert(4)>',
        notes=HOSTILE_NOTE,
        license="<i>MIT</i>",
        links=[{"label": "<b onmouseover=alert(5)>card</b>", "url": HOSTILE_URL}],
        sources={"release_date": {"url": HOSTILE_URL, "locator": "<iframe src=javascript:alert(6)>"}},
    )


def _benchmark(bench: str) -> dict:
    return {
        "id": bench,
        "name": bench.upper(),
        "floor": BENCHMARKS[bench][0],
        "default_shots": 5,
        "metric": "accuracy",
        "description": f"Synthetic {bench}.",
        "citation": {"title": f"{bench} paper", "url": "https://arxiv.org/abs/2009.03300"},
    }


def _ruler() -> dict:
    return {
        "id": RULER_ID,
        "name": "Synthetic direct ruler",
        "kind": "direct",
        "description": "Reference family Ref measured with one harness.",
        "benchmarks": list(BENCHMARKS),
        "default": True,
        "fitted_from_scores": {"protocol": PROTOCOL, "models": [m for m in _reference_ids()]},
    }


def _reference_ids() -> list[str]:
    return [f"ref-{size / 1e9:g}b".replace(".", "p") for size in REFERENCE_SIZES]


def corrections(records: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """A corrected model (revision 2), a corrected score and a retracted score."""
    model = dict(records["model"][len(REFERENCE_SIZES)])
    score_a = dict(records["score"][len(REFERENCE_SIZES) * len(BENCHMARKS)])
    score_b = dict(records["score"][len(REFERENCE_SIZES) * len(BENCHMARKS) + 1])
    model |= {
        "revision": 2,
        "correction_note": "Release date taken from the model card, not the blog.",
        "release_date": model["release_date"] + dt.timedelta(days=3),
    }
    score_a |= {
        "revision": 2,
        "correction_note": (
            "Value misread from the table (https://github.com/exampleorg/exampleevaluations/blob/"
            "0123456789abcdef0123456789abcdef01234567/reports/evaluationofeverybasemodel/tables/table2.md, "
            "Table 2)."
        ),
        "value": float(min(score_a["value"] + 1.0, 100.0)),
    }
    score_b |= {"revision": 2, "correction_note": "Wrong model; withdrawn.", "retracted": True}
    return {"model": [model], "score": [score_a, score_b]}


def write_synthetic_records(
    records_dir: Path, n_models: int, *, seed: int = 0, hostile: bool = False
) -> Path:
    """Write the synthetic records (and their corrections) into ``records_dir`` through the store."""
    records = synthetic_records(n_models, seed=seed, hostile=hostile)
    for kind in ("benchmark", "model", "score", "ruler"):
        append_records(kind, records[kind], records_dir=records_dir)
    for kind, items in corrections(records).items():
        append_records(kind, items, records_dir=records_dir)
    return records_dir
