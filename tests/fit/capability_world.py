"""A synthetic world whose capability groups densify at known, different rates.

The reference family and the direct ruler are those of :mod:`tests.fit.synthetic` (the paper's five
benchmarks: MMLU is knowledge, BBH reasoning, MATH math, HumanEval and MBPP code). Each target model
has one true density per group, ``ln ρ_g = A_g·t − B − shortfall`` (a small non-negative shortfall, so
the frontier follows the law), and scores read off the true curves at ``ρ_g · N``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from densing_data.store import append_record_groups, append_records
from tests.fit.synthetic import (
    BENCHMARKS,
    INTERCEPT,
    T0,
    benchmark_record,
    family_records,
    model_record,
    ruler_records,
    score_record,
    true_score,
)

GROUP_OF = {"mmlu": "knowledge", "bbh": "reasoning", "math": "math", "humaneval": "code", "mbpp": "code"}
DOUBLING_DAYS = {"knowledge": 400.0, "reasoning": 200.0, "math": 80.0, "code": 80.0}
"""The true doubling time of each group (math and code densify alike, knowledge five times slower)."""


def true_slopes() -> dict[str, float]:
    """Group -> the true ln ρ slope per day."""
    return {group: float(np.log(2) / days) for group, days in DOUBLING_DAYS.items()}


def write_capability_world(root: Path, n_targets: int = 30, seed: int = 0) -> dict[str, float]:
    """Write the world's records into ``root`` through the store; return the true slope per group."""
    rng = np.random.default_rng(seed)
    slopes = true_slopes()
    # the family (density 1) is released before every target, so it never sits on a group's frontier
    models, scores = family_records(T0 - dt.timedelta(days=30))
    for index in range(n_targets):
        model_id = f"target-{index:03d}"
        day = int(rng.integers(0, 400))
        size = float(np.exp(rng.uniform(np.log(1e9), np.log(3e10))))
        models.append(model_record(model_id, size, T0 + dt.timedelta(days=day)))
        for group, slope in slopes.items():
            density = float(np.exp(slope * day - INTERCEPT - rng.exponential(0.4)))
            benches = [b for b, g in GROUP_OF.items() if g == group]
            scores += [score_record(model_id, b, true_score(b, density * size)) for b in benches]
    append_records("benchmark", [benchmark_record(b) for b in BENCHMARKS], records_dir=root)
    append_records("model", models, records_dir=root)
    append_records("score", scores, records_dir=root)
    append_record_groups({"ruler": [ruler_records()[0]]}, records_dir=root)
    return slopes
