"""Builders of valid records for tests: each returns a plain mapping the store accepts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from densing_data.store import append_records

SOURCE = {"url": "https://example.org/report", "locator": "Table 1"}


def benchmark(bench_id: str = "mmlu", floor: float = 25.0, **extra: Any) -> dict[str, Any]:
    """A benchmark record."""
    return {
        "id": bench_id,
        "name": bench_id.upper(),
        "floor": floor,
        "default_shots": 5,
        "metric": "accuracy",
        "citation": {"title": f"{bench_id} paper", "url": "https://arxiv.org/abs/1"},
    } | extra


def model(model_id: str = "tiny-1b", params: int = 1_000_000_000, **extra: Any) -> dict[str, Any]:
    """A base model record released on 2024-01-01 unless ``extra`` says otherwise."""
    return {
        "id": model_id,
        "name": model_id.title(),
        "family": "Tiny",
        "organization": "Example Lab",
        "release_date": dt.date(2024, 1, 1),
        "params_total": params,
        "kind": "base",
        "sources": {"release_date": SOURCE},
    } | extra


def score(score_id: str, model_id: str = "tiny-1b", value: float = 50.0, **extra: Any) -> dict[str, Any]:
    """A developer-reported MMLU 5-shot score."""
    return {
        "id": score_id,
        "model": model_id,
        "benchmark": "mmlu",
        "value": value,
        "shots": 5,
        "protocol": "example-report",
        "source": SOURCE,
        "provenance": {"kind": "developer", "by": "Example Lab"},
        "recorded": dt.date(2026, 11, 23),
    } | extra


def ruler(ruler_id: str = "tiny-direct", models: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    """A default direct ruler on three tiny models."""
    return {
        "id": ruler_id,
        "name": "Tiny direct",
        "kind": "direct",
        "description": "Test ruler.",
        "benchmarks": ["mmlu"],
        "default": True,
        "fitted_from_scores": {
            "protocol": "example-report",
            "models": models or ["tiny-1b", "tiny-2b", "tiny-4b"],
        },
    } | extra


def minimal_records(root: Path) -> None:
    """Write one benchmark, three models, three scores and one ruler into ``root``."""
    append_records("benchmark", [benchmark()], records_dir=root)
    sizes = {"tiny-1b": 1, "tiny-2b": 2, "tiny-4b": 4}
    append_records("model", [model(m, n * 10**9) for m, n in sizes.items()], records_dir=root)
    append_records(
        "score", [score(f"{m}.mmlu", m, 30.0 + 10 * n) for m, n in sizes.items()], records_dir=root
    )
    append_records("ruler", [ruler()], records_dir=root)
