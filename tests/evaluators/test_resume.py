"""A run killed with SIGKILL loses no finished work: the rerun completes, and exactly one record exists."""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

import densing_data
from densing_cli.main import cli
from tests.evaluators.conftest import RULER

ROOT = Path(__file__).resolve().parents[2]


def wait_for_lines(path: Path, count: int, proc: subprocess.Popen, timeout: float = 120.0) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            lines = path.read_text(encoding="utf-8").count("\n")
            if lines >= count:
                return lines
        if proc.poll() is not None:
            raise AssertionError(f"run ended before it could be killed: {proc.stderr.read()}")  # type: ignore[union-attr]
        time.sleep(0.02)
    raise AssertionError("no cache lines appeared in time")


def test_rerun_after_sigkill_completes_without_redoing_finished_work(
    model_dir: Path, mmlu_file: Path, eval_records: Path, tmp_path: Path
) -> None:
    out = tmp_path / "run" / "out.json"
    args = [
        "evaluate",
        "--model",
        str(model_dir),
        "--task",
        "mmlu",
        "--data",
        str(mmlu_file),
        "--shots",
        "2",
        "--batch-tokens",
        "300",
        "--out",
        str(out),
        "--no-progress",
        "--ruler",
        RULER,
        "--reference-name",
        "s3",
        "--training-tokens",
        "7",
        "--final",
        "--records",
        str(eval_records),
    ]
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.evaluators.slow_evaluate", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    cache_file = out.with_name("out.json.partial") / "rank-0.jsonl"
    try:
        wait_for_lines(cache_file, 3, proc)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    done_before = cache_file.read_text(encoding="utf-8").count("\n")
    assert 3 <= done_before < 60  # 12 items x (1 loss + 4 options) = 60 requests
    assert not out.exists()
    refs = densing_data.load(eval_records).references
    assert (refs["ruler"] == RULER).sum() == 1  # only the seed: nothing half-written
    with cache_file.open("a", encoding="utf-8") as handle:  # as if killed in the middle of a write
        handle.write('{"key": "0123')

    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert len(data["items"]) == 12
    assert data["run"]["requests_from_cache"] == done_before
    assert data["run"]["requests"] == 60 - done_before
    refs = densing_data.load(eval_records).references
    assert (refs["id"] == f"{RULER}.s3.mmlu").sum() == 1

    fresh = tmp_path / "fresh.json"
    again = CliRunner().invoke(cli, [*args[: args.index("--out")], "--out", str(fresh), "--no-record"])
    assert again.exit_code == 0, again.output
    expected = {i["id"]: i for i in json.loads(fresh.read_text())["items"]}
    for item in data["items"]:
        assert math.isclose(item["nll_sum"], expected[item["id"]]["nll_sum"], rel_tol=1e-5, abs_tol=1e-4)
        assert item["choice_logliks"] == expected[item["id"]]["choice_logliks"] or all(
            math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-4)
            for a, b in zip(item["choice_logliks"], expected[item["id"]]["choice_logliks"], strict=True)
        )
