"""Fixtures for the evaluator tests: a tiny random Llama saved to disk, task files, a records directory.

The model and its tokenizer are built in code and saved with ``save_pretrained``, so every test loads
them through the same ``from_pretrained(path)`` code users hit. Nothing touches the Hub.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ.setdefault("OMP_NUM_THREADS", "1")  # subprocesses too: 2 shared cores, tiny matrices

RULER = "densinglaw-scaling-models"
BENCHMARKS = {"mmlu": 25.0, "bbh": 0.0, "math": 0.0, "mbpp": 0.0, "humaneval": 0.0}


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random-weight Llama and its byte-level BPE tokenizer, saved to a folder."""
    import torch

    from evaluators.synthetic import write_synthetic_model

    torch.set_num_threads(1)  # on a shared 2-core machine, OpenMP barriers stall tiny matmuls
    return write_synthetic_model(tmp_path_factory.mktemp("tiny-llama"))


@pytest.fixture(scope="session")
def loaded(model_dir: Path):
    """The tiny model loaded as ``densing evaluate`` loads it (fp32, CPU)."""
    import torch

    from evaluators.engine.modeling import load_model

    return load_model(str(model_dir), dtype="fp32", device=torch.device("cpu"))


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> Path:
    """Write ``rows`` one JSON object per line."""
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def mmlu_rows(
    subjects: tuple[str, ...] = ("anatomy", "algebra"), per_subject: int = 6, shots: int = 2
) -> list[dict]:
    """Raw multiple-choice items: ``shots`` exemplars then scored items per subject, varied lengths."""
    rows = []
    for subject in subjects:
        for i in range(shots + per_subject):
            rows.append(
                {
                    "id": f"{subject}-{i}",
                    "subject": subject,
                    "question": f"Question {i} about {subject}: " + "which number comes next? " * (1 + i % 3),
                    "choices": ["zero", "one", "two", f"three {i}"],
                    "label": "ABCD"[i % 4],
                    "rationale": "We count step by step. " * (1 + i % 4),
                    "fewshot": i < shots,
                }
            )
    return rows


@pytest.fixture
def mmlu_file(tmp_path: Path) -> Path:
    """An MMLU-style task file with 2 exemplars and 6 scored items in each of 2 subjects."""
    return write_jsonl(tmp_path / "mmlu.jsonl", mmlu_rows())


def _benchmark(bench_id: str, floor: float) -> dict[str, Any]:
    return {
        "id": bench_id,
        "name": bench_id.upper(),
        "floor": floor,
        "metric": "accuracy",
        "citation": {"title": f"{bench_id} paper", "url": "https://arxiv.org/abs/1"},
    }


@pytest.fixture
def eval_records(tmp_path: Path) -> Path:
    """Records: the five benchmarks, model 'tiny-1b', a two-step ruler with one reference."""
    from densing_data.store import append_record_groups, append_records

    root = tmp_path / "records"
    append_records("benchmark", [_benchmark(b, f) for b, f in BENCHMARKS.items()], records_dir=root)
    append_records(
        "model",
        [
            {
                "id": "tiny-1b",
                "name": "Tiny 1B",
                "family": "Tiny",
                "organization": "Example Lab",
                "hf_repo": "example/tiny-1b",
                "release_date": dt.date(2024, 1, 1),
                "params_total": 10**9,
                "kind": "base",
                "sources": {"release_date": {"url": "https://example.org/tiny"}},
            }
        ],
        records_dir=root,
    )
    ruler = {
        "id": RULER,
        "name": "DensingLaw reference models",
        "kind": "two-step",
        "default": True,
        "description": "The paper's s1-s6 reference models.",
        "benchmarks": list(BENCHMARKS),
    }
    seed = {
        "id": f"{RULER}.seed.mmlu",
        "ruler": RULER,
        "benchmark": "mmlu",
        "reference_model": {
            "name": "seed",
            "params": 10**8,
            "params_definition": "total",
            "training_tokens": 10**10,
            "final": True,
        },
        "loss": 1.0,
        "loss_unit": "nats_per_token",
        "source": {"url": "https://example.org/seed"},
        "provenance": {"kind": "third_party"},
        "recorded": dt.date(2026, 1, 1),
    }
    append_record_groups({"ruler": [ruler], "reference": [seed]}, records_dir=root)
    return root
