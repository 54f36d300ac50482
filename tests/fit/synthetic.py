"""Synthetic records drawn from known rulers and a known densing law, written through the store.

``write_world(root)`` writes the paper's five benchmarks, a reference family whose scores follow
known direct-ruler curves exactly (a direct ruler, the default), a small two-step ruler whose
reference losses and scores follow known curves, and target models whose effective sizes are
``ρ(t) · N`` with ``ln ρ = A·t + B`` minus a non-negative shortfall (so the frontier follows the
law). Everything is seeded, so a test knows the true parameters.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from densing_data.store import append_record_groups, append_records
from densing_fit.rulers.curves import conditional_loss, direct_ln_n, direct_score, score_from_loss

SOURCE = {"url": "https://example.org/report", "locator": "Table 1"}
RECORDED = dt.date(2026, 11, 23)
T0 = dt.date(2023, 1, 1)

BENCHMARKS = {
    # id: (floor, shots, cot, (top, slope, mid) of the true direct curve)
    "mmlu": (25.0, 5, False, (88.0, 0.7, float(np.log(3e9)))),
    "bbh": (0.0, 3, True, (85.0, 0.9, float(np.log(6e9)))),
    "math": (0.0, 4, True, (65.0, 0.8, float(np.log(1.5e10)))),
    "humaneval": (0.0, 0, False, (70.0, 0.6, float(np.log(5e9)))),
    "mbpp": (0.0, 3, False, (80.0, 0.6, float(np.log(4e9)))),
}
FAMILY_SIZES = (5e8, 1.5e9, 3e9, 7e9, 1.4e10, 3.2e10, 7.2e10)
LOSS_LAW = (40.0, 0.25, 200.0, 0.2)
"""True (a, alpha, b, beta) of the two-step ruler."""
SIGMOID = (60.0, -4.0, 1.5, 25.0)
"""True (c, gamma, l, d) of the two-step ruler."""
INTERCEPT = 2.5
"""The law's maximum density on T0 is exp(-INTERCEPT)."""


@dataclass
class World:
    """What was written, with the truth behind it."""

    slope_per_day: float
    densities: dict[str, float] = field(default_factory=dict)
    """Target model id -> true density."""
    targets: list[str] = field(default_factory=list)


def benchmark_record(bench: str) -> dict[str, Any]:
    floor, shots, cot, _ = BENCHMARKS[bench]
    return {
        "id": bench,
        "name": bench.upper(),
        "floor": floor,
        "default_shots": shots,
        "default_cot": cot,
        "metric": "accuracy",
        "citation": {"title": f"{bench} paper", "url": "https://arxiv.org/abs/1"},
    }


def model_record(
    model_id: str, params: float, released: dt.date, kind: str = "base", **extra: Any
) -> dict[str, Any]:
    return {
        "id": model_id,
        "name": model_id.upper(),
        "family": "Synthetic",
        "organization": "Example Lab",
        "release_date": released,
        "params_total": int(params),
        "kind": kind,
        "sources": {"release_date": SOURCE},
    } | extra


def score_record(
    model_id: str, bench: str, value: float, protocol: str = "synthetic", **extra: Any
) -> dict[str, Any]:
    _, shots, cot, _ = BENCHMARKS[bench]
    return {
        "id": f"{model_id}.{bench}.{protocol}",
        "model": model_id,
        "benchmark": bench,
        "value": float(np.clip(round(value, 4), 0.0, 100.0)),
        "shots": shots,
        "cot": cot,
        "protocol": protocol,
        "source": SOURCE,
        "provenance": {"kind": "developer"},
        "recorded": RECORDED,
    } | extra


def true_score(bench: str, size: float) -> float:
    floor, _, _, (top, slope, mid) = BENCHMARKS[bench]
    return float(direct_score(np.log(size), floor, top, slope, mid))


def true_size(bench: str, score: float) -> float:
    floor, _, _, (top, slope, mid) = BENCHMARKS[bench]
    return float(np.exp(direct_ln_n(score, floor, top, slope, mid)))


def family_records(released: dt.date) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The reference family (density 1 by construction), released on ``released``."""
    models, scores = [], []
    for size in FAMILY_SIZES:
        model_id = f"ref-{size / 1e9:g}b"
        models.append(model_record(model_id, size, released))
        scores += [
            score_record(model_id, b, true_score(b, size), protocol="ref-protocol") for b in BENCHMARKS
        ]
    return models, scores


def ruler_records() -> list[dict[str, Any]]:
    family = [f"ref-{size / 1e9:g}b" for size in FAMILY_SIZES]
    return [
        {
            "id": "synthetic-direct",
            "name": "Synthetic direct",
            "kind": "direct",
            "description": "Known curves.",
            "benchmarks": list(BENCHMARKS),
            "default": True,
            "fitted_from_scores": {"protocol": "ref-protocol", "models": family},
        },
        {
            "id": "synthetic-two-step",
            "name": "Synthetic two-step",
            "kind": "two-step",
            "description": "Known loss law and sigmoid.",
            "benchmarks": ["mmlu"],
        },
    ]


def reference_records(rng: np.random.Generator) -> list[dict[str, Any]]:
    records = []
    for size in (5e6, 3e7, 1e8, 2.5e8, 5e8, 8e8, 7e9):
        for tokens in (1e10, 3e10, 1e11, 3e11):
            held_out = size == 7e9
            if held_out and tokens != 3e11:
                continue
            loss = float(conditional_loss(size, tokens, *LOSS_LAW)) * float(np.exp(rng.normal(0, 0.005)))
            score = float(score_from_loss(loss, *SIGMOID)) + float(rng.normal(0, 0.2))
            name = f"s{size:g}-d{tokens:g}"
            records.append(
                {
                    "id": f"synthetic-two-step.{name}.mmlu",
                    "ruler": "synthetic-two-step",
                    "reference_model": {
                        "name": name,
                        "params": int(size),
                        "params_definition": "all",
                        "training_tokens": int(tokens),
                        "final": True,
                    },
                    "benchmark": "mmlu",
                    "loss": round(loss, 6),
                    "loss_unit": "nats_per_token",
                    "score": round(float(np.clip(score, 0, 100)), 4),
                    "shots": 5,
                    "source": SOURCE,
                    "provenance": {"kind": "third_party"},
                    "recorded": RECORDED,
                    "notes": "Held-out target (not used for fitting)" if held_out else None,
                }
            )
    return [{k: v for k, v in r.items() if v is not None} for r in records]


def build_world(
    n_targets: int = 30, seed: int = 0, doubling_days: float = 100.0
) -> tuple[dict[str, list], World]:
    """The synthetic records (kind -> plain mappings the store accepts) and the truth behind them."""
    rng = np.random.default_rng(seed)
    world = World(slope_per_day=float(np.log(2) / doubling_days))
    # the family (density 1) is released when the law's maximum density reaches 1: on the line
    models, scores = family_records(T0 + dt.timedelta(days=round(INTERCEPT / world.slope_per_day)))
    for index in range(n_targets):
        model_id = f"target-{index:04d}" if n_targets > 1000 else f"target-{index:03d}"
        day = int(rng.integers(0, 720))
        size = float(np.exp(rng.uniform(np.log(1e9), np.log(3e10))))
        density = float(np.exp(world.slope_per_day * day - INTERCEPT - rng.exponential(0.4)))
        models.append(model_record(model_id, size, T0 + dt.timedelta(days=day)))
        scores += [score_record(model_id, b, true_score(b, density * size)) for b in BENCHMARKS]
        world.densities[model_id] = density
        world.targets.append(model_id)
    records = {
        "benchmark": [benchmark_record(b) for b in BENCHMARKS],
        "model": models,
        "score": scores,
        "ruler": ruler_records(),
        "reference": reference_records(rng),
    }
    return records, world


def write_world(root: Path, n_targets: int = 30, seed: int = 0, doubling_days: float = 100.0) -> World:
    """Write the synthetic records into ``root`` through the store and return the truth."""
    records, world = build_world(n_targets, seed, doubling_days)
    for kind in ("benchmark", "model", "score"):
        append_records(kind, records[kind], records_dir=root)
    append_record_groups({"ruler": records["ruler"], "reference": records["reference"]}, records_dir=root)
    return world
