"""The cache key holds the compute path: results computed with or without prefix reuse, or with
another compile backend, are never reused for each other (they differ by rounding in bf16)."""

from __future__ import annotations

from pathlib import Path

import torch

from evaluators.runner import RunSettings, _requests, compute_path
from evaluators.tasks.items import read_task_file
from evaluators.tasks.tasks import build_prompts, get_task
from tests.evaluators.conftest import mmlu_rows, write_jsonl


def _keys(loaded, prompts, settings: RunSettings, device: str) -> list[str]:
    return [r.key for r in _requests(loaded, prompts, None, compute_path(settings, torch.device(device)))]


def _settings(**changes: object) -> RunSettings:
    return RunSettings(model="m", task="mmlu", out=Path("out.json"), **changes)  # type: ignore[arg-type]


def test_the_cache_key_changes_with_the_compute_path_only(loaded, tmp_path: Path) -> None:
    data = write_jsonl(tmp_path / "mmlu.jsonl", mmlu_rows())
    prompts = build_prompts(get_task("mmlu"), read_task_file(data), shots=2, limit=3)
    same = _keys(loaded, prompts, _settings(), "cpu")
    assert same == _keys(loaded, prompts, _settings(), "cpu")
    no_reuse = _keys(loaded, prompts, _settings(prefix_reuse=False), "cpu")
    compiled = _keys(loaded, prompts, _settings(compile=True), "cpu")
    assert len(set(same)) == len(same)
    assert not set(same) & set(no_reuse)
    assert not set(same) & set(compiled)
    # the default compile choice resolves per device: on CPU it is "no compilation", as compile=False
    assert same == _keys(loaded, prompts, _settings(compile=False), "cpu")
